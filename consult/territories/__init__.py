"""Territories: régions, départements and communes of France (Etalab's administrative
map, shipped in ``data/territories.csv.gz``), for people, organisations and challenges."""
