from consult.territories.reference import find_territories, resolve_territory, search_key


def test_search_key_ignores_accents_case_and_punctuation():
    assert search_key("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert search_key("L'Haÿ-les-Roses") == "l hay les roses"


def test_resolve_by_name_code_and_label():
    assert resolve_territory("Cergy")[0].label == "Cergy (95)"
    assert resolve_territory("95127")[0].name == "Cergy"
    assert resolve_territory("2A")[0].name == "Corse-du-Sud"
    assert resolve_territory("Île-de-France (région)")[0].code == "11"
    assert resolve_territory("Seine-Saint-Denis (département 93)")[0].code == "93"


def test_ambiguous_names_give_candidates():
    territory, candidates = resolve_territory("Saint-Denis")
    assert territory is None
    labels = {c.label for c in candidates}
    assert {"Saint-Denis (93)", "Saint-Denis (974)"} <= labels


def test_suggestions_by_prefix_favour_large_places():
    assert find_territories("saint et", limit=3)[0].name == "Saint-Étienne"
    assert find_territories("mars", limit=3)[0].name == "Mars"  # an exact name comes first


def test_like_wildcards_are_not_interpreted():
    assert find_territories("%") == [] or all("%" in t.name for t in find_territories("%"))
