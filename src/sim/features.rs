//! Feature gates, as v1.31 ships them (`pkg/features/kube_features.go`),
//! for the gated behaviour Ordinal models. A cluster setting
//! (`Config::feature_gates`, `ordinal run --feature-gates=...`) holds the
//! gates set away from their defaults; the API server and the controllers
//! ask [`FeatureGates::enabled`].
//!
//! Simplification: one set of gates for the whole cluster (a real cluster
//! sets `--feature-gates` per component: kube-apiserver,
//! kube-controller-manager, kubelet), and only the gates below exist; any
//! other name is refused as unknown.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `spec.updateStrategy.rollingUpdate.maxUnavailable` of a StatefulSet.
pub const MAX_UNAVAILABLE_STATEFUL_SET: &str = "MaxUnavailableStatefulSet";
/// `spec.persistentVolumeClaimRetentionPolicy` of a StatefulSet.
pub const STATEFUL_SET_AUTO_DELETE_PVC: &str = "StatefulSetAutoDeletePVC";
/// `spec.ordinals.start` of a StatefulSet.
pub const STATEFUL_SET_START_ORDINAL: &str = "StatefulSetStartOrdinal";
/// The StatefulSet controller's `apps.kubernetes.io/pod-index` pod label.
pub const POD_INDEX_LABEL: &str = "PodIndexLabel";
/// `spec.volumeAttributesClassName` of claims and volumes.
pub const VOLUME_ATTRIBUTES_CLASS: &str = "VolumeAttributesClass";
/// A PodDisruptionBudget's `spec.unhealthyPodEvictionPolicy`.
pub const PDB_UNHEALTHY_POD_EVICTION_POLICY: &str = "PDBUnhealthyPodEvictionPolicy";

/// A gate: its v1.31 default, maturity and whether it is locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    pub name: &'static str,
    pub default: bool,
    /// `ALPHA`, `BETA` or `GA`, as `--help` lists them.
    pub stage: &'static str,
    /// GA gates are locked to their default (`LockToDefault`).
    pub locked: bool,
}

/// The gates Ordinal models, with v1.31's defaults, alphabetical.
pub const KNOWN: &[Gate] = &[
    Gate {
        name: MAX_UNAVAILABLE_STATEFUL_SET,
        default: false,
        stage: "ALPHA",
        locked: false,
    },
    Gate {
        name: PDB_UNHEALTHY_POD_EVICTION_POLICY,
        default: true,
        stage: "GA",
        locked: true,
    },
    Gate {
        name: POD_INDEX_LABEL,
        default: true,
        stage: "BETA",
        locked: false,
    },
    Gate {
        name: STATEFUL_SET_AUTO_DELETE_PVC,
        default: true,
        stage: "BETA",
        locked: false,
    },
    Gate {
        name: STATEFUL_SET_START_ORDINAL,
        default: true,
        stage: "GA",
        locked: true,
    },
    Gate {
        name: VOLUME_ATTRIBUTES_CLASS,
        default: false,
        stage: "BETA",
        locked: false,
    },
];

pub fn gate(name: &str) -> Option<&'static Gate> {
    KNOWN.iter().find(|g| g.name == name)
}

/// The gates set away from their defaults (an empty set is v1.31's
/// defaults). Ordered, so a session's config serializes the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FeatureGates(BTreeMap<String, bool>);

impl crate::sim::heap::Heap for FeatureGates {
    fn heap(&self) -> usize {
        self.0.heap()
    }
}

impl FeatureGates {
    pub fn enabled(&self, name: &str) -> bool {
        match self.0.get(name) {
            Some(v) => *v,
            None => gate(name).is_some_and(|g| g.default),
        }
    }

    /// Sets one gate, refusing what component-base's `featureGate.Set`
    /// refuses (unknown names, a locked gate away from its default).
    pub fn set(&mut self, name: &str, value: bool) -> Result<(), String> {
        let Some(g) = gate(name) else {
            return Err(format!("unrecognized feature gate: {name}"));
        };
        if g.locked && value != g.default {
            return Err(format!(
                "cannot set feature gate {name} to {value}, feature is locked to {}",
                g.default
            ));
        }
        if value == g.default {
            self.0.remove(name);
        } else {
            self.0.insert(name.to_string(), value);
        }
        Ok(())
    }

    /// Parses `--feature-gates`' value: `A=true,B=false` (Go's
    /// `strconv.ParseBool` words).
    pub fn parse(spec: &str) -> Result<FeatureGates, String> {
        let mut gates = FeatureGates::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return Err(format!("missing bool value for {part}"));
            };
            let (k, v) = (k.trim(), v.trim());
            let value = match v {
                "1" | "t" | "T" | "true" | "TRUE" | "True" => true,
                "0" | "f" | "F" | "false" | "FALSE" | "False" => false,
                _ => {
                    return Err(format!(
                        "invalid value of {k}={v}, err: strconv.ParseBool: parsing {v:?}: invalid syntax"
                    ))
                }
            };
            gates.set(k, value)?;
        }
        Ok(gates)
    }

    /// The gates away from their defaults, as `Name=bool` in name order.
    pub fn non_default(&self) -> Vec<String> {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    /// Refuses a set read from untrusted text (a share link, a saved
    /// session) that `set` would not have made: unknown names, locked
    /// gates away from their defaults.
    pub fn check(&self) -> Result<(), String> {
        let mut fresh = FeatureGates::default();
        for (name, on) in &self.0 {
            fresh.set(name, *on)?;
        }
        Ok(())
    }

    /// Every gate Ordinal models with its state here, in name order (what
    /// a settings panel lists: locked gates cannot be switched).
    pub fn states(&self) -> Vec<(&'static Gate, bool)> {
        KNOWN.iter().map(|g| (g, self.enabled(g.name))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_v1_31s() {
        let g = FeatureGates::default();
        assert!(!g.enabled(MAX_UNAVAILABLE_STATEFUL_SET));
        assert!(g.enabled(STATEFUL_SET_AUTO_DELETE_PVC));
        assert!(g.enabled(STATEFUL_SET_START_ORDINAL));
        assert!(g.enabled(PDB_UNHEALTHY_POD_EVICTION_POLICY));
        assert!(g.enabled(POD_INDEX_LABEL));
        assert!(!g.enabled(VOLUME_ATTRIBUTES_CLASS));
        assert!(!g.enabled("NoSuchGate"));
        assert!(g.non_default().is_empty());
    }

    #[test]
    fn a_config_saved_before_gates_loads_with_the_defaults() {
        let mut v = serde_json::to_value(crate::sim::Config::default()).unwrap();
        v.as_object_mut().unwrap().remove("feature_gates");
        let c: crate::sim::Config = serde_json::from_value(v).unwrap();
        assert_eq!(c.feature_gates, FeatureGates::default());
        // And the gates set round-trip by name.
        let mut c = crate::sim::Config::default();
        c.feature_gates
            .set(MAX_UNAVAILABLE_STATEFUL_SET, true)
            .unwrap();
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(
            v["feature_gates"],
            serde_json::json!({"MaxUnavailableStatefulSet": true})
        );
        assert_eq!(serde_json::from_value::<crate::sim::Config>(v).unwrap(), c);
    }

    #[test]
    fn parse_sets_gates_and_refuses_what_component_base_refuses() {
        let g =
            FeatureGates::parse("MaxUnavailableStatefulSet=true, StatefulSetAutoDeletePVC=false")
                .unwrap();
        assert!(g.enabled(MAX_UNAVAILABLE_STATEFUL_SET));
        assert!(!g.enabled(STATEFUL_SET_AUTO_DELETE_PVC));
        assert_eq!(
            g.non_default(),
            vec![
                "MaxUnavailableStatefulSet=true",
                "StatefulSetAutoDeletePVC=false"
            ]
        );
        // Setting a default leaves nothing to record.
        let d = FeatureGates::parse("MaxUnavailableStatefulSet=false").unwrap();
        assert_eq!(d, FeatureGates::default());
        assert_eq!(
            FeatureGates::parse("Foo=true").unwrap_err(),
            "unrecognized feature gate: Foo"
        );
        assert_eq!(
            FeatureGates::parse("StatefulSetStartOrdinal=false").unwrap_err(),
            "cannot set feature gate StatefulSetStartOrdinal to false, feature is locked to true"
        );
        assert_eq!(
            FeatureGates::parse("MaxUnavailableStatefulSet=yes").unwrap_err(),
            "invalid value of MaxUnavailableStatefulSet=yes, err: strconv.ParseBool: parsing \"yes\": invalid syntax"
        );
        assert_eq!(
            FeatureGates::parse("MaxUnavailableStatefulSet").unwrap_err(),
            "missing bool value for MaxUnavailableStatefulSet"
        );
    }

    #[test]
    fn sets_read_from_untrusted_text_are_checked() {
        let read = |j: &str| serde_json::from_str::<FeatureGates>(j).unwrap().check();
        assert_eq!(read(r#"{"MaxUnavailableStatefulSet": true}"#), Ok(()));
        assert_eq!(
            read(r#"{"Foo": true}"#).unwrap_err(),
            "unrecognized feature gate: Foo"
        );
        assert!(read(r#"{"StatefulSetStartOrdinal": false}"#).is_err());
        let g = FeatureGates::parse("PodIndexLabel=false").unwrap();
        assert_eq!(
            g.states()
                .iter()
                .map(|(g, on)| format!("{}={on}", g.name))
                .collect::<Vec<_>>(),
            vec![
                "MaxUnavailableStatefulSet=false",
                "PDBUnhealthyPodEvictionPolicy=true",
                "PodIndexLabel=false",
                "StatefulSetAutoDeletePVC=true",
                "StatefulSetStartOrdinal=true",
                "VolumeAttributesClass=false"
            ]
        );
    }
}
