"""« Sujets émergents » (issue 22): the ideas of a challenge grouped into topics by their
French text (stemmed TF-IDF and NMF from scikit-learn) in a background job,
reproducibly (the input's fingerprint, the method and its parameters kept and shown);
agents rename, merge, split and publish them, or turn one into a theme; citizens browse
a challenge by its published topics, which the API and the open data also give. Topics
shown to citizens are always validated by an agent: the method proposes, people decide."""

from flask import Blueprint

bp = Blueprint("topics", __name__)
