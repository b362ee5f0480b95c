//! Simulated processes behind `kubectl exec` (to be written).
