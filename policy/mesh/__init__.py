"""The service mesh: Istio's configuration read from the input, injection prediction, rules."""
