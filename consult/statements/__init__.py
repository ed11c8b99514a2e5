"""« Trouver les points d'accord » (issue 21), Pol.is' method as a phase of a challenge:
participants submit short statements (moderated) and vote agree / disagree / pass on
statements shown one at a time; opinion groups are found from the vote matrix (PCA and
k-means from scikit-learn, the number of groups chosen by the silhouette score) in a
background job; the report shows each group's size and the statements that
characterise it, those that reach consensus across groups, and the divisive ones. No
individual's votes are ever shown."""

from flask import Blueprint

bp = Blueprint("statements", __name__)
