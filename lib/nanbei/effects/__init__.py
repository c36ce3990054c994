"""Policy-effect estimators: difference-in-differences, event studies, synthetic control and inference."""
