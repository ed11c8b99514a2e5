"""Summaries of a topic or of a whole challenge, each sentence citing its idea.

**Extractive** (always available, on the deployment's own machine): the ideas' sentences
(titles and the sentences of their texts, 25 to 300 characters) are weighed by TF-IDF
(core.textsim); the summary takes, by maximal marginal relevance, the sentences closest
to what the ideas say on the whole (the centroid of the sentences) that do not repeat one
already taken (similarity weighed 0.3), one sentence per idea at most, five in all. The
same ideas give the same summary.

**Generative** (off by default): only through a model endpoint the deployment configures
(``CONSULT_SUMMARY_ENDPOINT``, an OpenAI-compatible API — a sovereign or self-hosted
model such as the State's Albert API, vLLM, Ollama; ``CONSULT_SUMMARY_MODEL``,
``CONSULT_SUMMARY_API_KEY``), called with the official ``openai`` client (retries,
timeouts, errors). The model is given the most representative ideas with their numbers
and must end each sentence with the numbers it relies on (« [12, 48] »); a sentence that
cites no idea of the list is dropped. The model's name and the whole prompt are kept
with the summary. Either way an agent validates a summary before anyone else sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from consult.core.textsim import Analyser, vectorise

SENTENCES = 5
MIN_SENTENCE, MAX_SENTENCE = 25, 300
CANDIDATES = 300  # sentences closest to the centroid among which MMR chooses
REDUNDANCY = 0.3
PROMPT_IDEAS = 60  # ideas given to a generative model
EXTRACTIVE_METHOD = ("Extractif : phrases des idées pondérées par TF-IDF (racines "
                     "françaises), choisies par pertinence marginale maximale (proximité au "
                     "centre des phrases, redondance pondérée 0,3), une phrase par idée au "
                     "plus, 5 phrases")

_SPLIT = re.compile(r"(?<=[.!?…])\s+")
_CITATIONS = re.compile(r"\[([\d,\s]+)\]\s*$")


@dataclass
class Sentence:
    idea_id: int
    text: str


def sentences_of(idea_id: int, title: str, body: str) -> list[Sentence]:
    found = [Sentence(idea_id, title.strip())]
    for part in _SPLIT.split(" ".join((body or "").split())):
        found.append(Sentence(idea_id, part.strip()))
    return [s for s in found if MIN_SENTENCE <= len(s.text) <= MAX_SENTENCE]


def extractive(ideas: list[tuple[int, str, str]], size: int = SENTENCES) -> list[Sentence]:
    """The summary of ``ideas`` — (id, title, text) — in at most ``size`` sentences."""
    pool = [s for idea_id, title, body in sorted(ideas)
            for s in sentences_of(idea_id, title, body)]
    if not pool:
        return []
    analyser = Analyser()
    documents = [analyser.document(s.text) for s in pool]
    try:
        matrix, _vocabulary = vectorise(documents, min_df=1,
                                        max_df=0.5 if len(pool) >= 20 else 1.0)
    except ValueError:  # no word left
        return []
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    relevance = matrix @ centroid
    order = np.argsort(-relevance, kind="stable")[:CANDIDATES]
    order = order[relevance[order] > 0]
    if not order.size:
        return []
    candidates = matrix[order]
    likeness = (candidates @ candidates.T).toarray()
    chosen: list[int] = []
    ideas_taken: set[int] = set()
    while len(chosen) < size:
        best, best_score = None, -np.inf
        for position, index in enumerate(order):
            if position in chosen or pool[index].idea_id in ideas_taken:
                continue
            repeat = max((likeness[position, c] for c in chosen), default=0.0)
            score = (1 - REDUNDANCY) * relevance[index] - REDUNDANCY * repeat
            if score > best_score:
                best, best_score = position, score
        if best is None:
            break
        chosen.append(best)
        ideas_taken.add(pool[order[best]].idea_id)
    return [pool[order[position]] for position in chosen]


class ModelUnavailable(Exception):
    """The configured model did not answer usably (a message for the agent)."""


def prompt_for(title: str, ideas: list[tuple[int, str, str]]) -> str:
    lines = [
        "Tu résumes, en français et en cinq phrases au plus, les idées de citoyens "
        f"ci-dessous sur le sujet « {title} ». Règles : n'invente rien ; chaque phrase se "
        "termine par les numéros des idées sur lesquelles elle s'appuie, entre crochets, "
        "par exemple [12, 48] ; une phrase par ligne ; rien d'autre que les phrases.", ""]
    for idea_id, idea_title, body in ideas[:PROMPT_IDEAS]:
        lines.append(f"Idée {idea_id} : {idea_title}. {' '.join((body or '').split())[:400]}")
    return "\n".join(lines)


def generative(config: dict, title: str, ideas: list[tuple[int, str, str]]
               ) -> tuple[list[dict], str, str]:
    """(sentences with their cited ideas, model, prompt) from the configured endpoint."""
    from openai import OpenAI, OpenAIError

    prompt = prompt_for(title, ideas)
    model = config["SUMMARY_MODEL"]
    client = OpenAI(base_url=config["SUMMARY_ENDPOINT"],
                    api_key=config.get("SUMMARY_API_KEY") or "none",
                    timeout=config.get("SUMMARY_TIMEOUT", 60), max_retries=1)
    try:
        answer = client.chat.completions.create(
            model=model, temperature=0, messages=[{"role": "user", "content": prompt}])
        text = answer.choices[0].message.content or ""
    except (OpenAIError, IndexError, AttributeError) as error:
        raise ModelUnavailable(type(error).__name__) from error
    return cited(text, {idea_id for idea_id, _t, _b in ideas[:PROMPT_IDEAS]}), model, prompt


def cited(text: str, known: set[int]) -> list[dict]:
    """The model's lines that end by citing ideas of the list; the others are dropped."""
    found = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        match = _CITATIONS.search(line)
        if not match:
            continue
        ids = [int(n) for n in re.findall(r"\d+", match.group(1))]
        ids = [i for i in dict.fromkeys(ids) if i in known]
        sentence = line[:match.start()].strip()
        if ids and sentence:
            found.append({"text": sentence[:MAX_SENTENCE * 2], "idea_ids": ids})
    return found[:SENTENCES * 2]
