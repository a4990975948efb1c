"""Model features: what of a message the topic model reads."""

import numpy as np
import pytest

from assistant.features import feature_row


@pytest.mark.parametrize("message", ["", "🙂🙂", "12345", "<PHONE>", "a" * 3000])
def test_odd_messages_give_features_without_raising(message):
    row = feature_row(message, ["привет"], 1)

    assert row["message_lemmas"]
    assert row["message_vector"].shape == (300,)
