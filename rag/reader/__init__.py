"""A trained reader: (question, sentence) → does it answer, and where (training code lives in training/)."""
