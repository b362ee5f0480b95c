//! Well-known names: finalizers, deletion words and the cluster's DNS
//! domain, as upstream keeps them in `k8s.io/api` constants. Vocabulary:
//! every layer may name these, and this file names nothing of the sim.

/// The Kubernetes release whose behaviour Ordinal follows.
pub const KUBERNETES_VERSION: &str = "v1.31.0";

/// The finalizer the pvc-protection controller keeps on a claim in use.
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
/// The finalizer the pv-protection controller keeps on a bound volume.
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
/// `metav1.FinalizerDeleteDependents`: foreground cascading deletion.
pub const FOREGROUND: &str = "foregroundDeletion";
/// `metav1.FinalizerOrphanDependents`.
pub const ORPHAN: &str = "orphan";
/// The finalizer the API server puts in every namespace's `spec.finalizers`
/// (not metadata): the namespace controller removes it once the namespace
/// is empty.
pub const NAMESPACE_FINALIZER: &str = "kubernetes";
/// `apps.ControllerRevisionHashLabelKey` (= `StatefulSetRevisionLabel`):
/// the revision a StatefulSet's or DaemonSet's pod was made from.
pub const CONTROLLER_REVISION_HASH: &str = "controller-revision-hash";
/// `apps.StatefulSetPodNameLabel`.
pub const STATEFUL_SET_POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
/// The cluster's DNS domain (kubelet `--cluster-domain`).
pub const CLUSTER_DOMAIN: &str = "cluster.local";

// PersistentVolume and claim annotations (`pkg/controller/volume/persistentvolume/util`).
pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const ANN_DYNAMICALLY_PROVISIONED: &str = "pv.kubernetes.io/provisioned-by";
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
