"""The peer every model run is compared with: TF-IDF over words and characters + logistic
regression, trained and tested on the same split."""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

from .text import normalize


def make_baseline(max_features: int, seed: int):
    """A scikit-learn pipeline over normalised text."""
    vectorizer = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=max_features),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                        max_features=max_features),
    )
    classifier = LogisticRegression(C=10, max_iter=3000, random_state=seed)
    return make_pipeline(vectorizer, classifier)


def baseline_texts(texts, contexts) -> list[str]:
    """The baseline sees the message and its latest context turn, as the model does."""
    return [normalize(f"{context[-1] if context else ''} {text}")
            for text, context in zip(texts, contexts)]
