//! A compact schema of the fields Ordinal knows per kind: enough to warn
//! about unknown fields as kubectl's field validation does, and to reject
//! values of the wrong type with the API server's decoding message.
//!
//! Each line is `Struct: field type, field type, ...`. Types: `string`,
//! `int32`, `int64`, `bool`, `Quantity`, `IntOrString`, `any` (not
//! checked), `[]T` (list), `map[string]T`, or another struct's name.

use crate::sim::sort;
use std::sync::OnceLock;

const SCHEMA: &str = r#"
ObjectMeta: name string, generateName string, namespace string, uid string, resourceVersion string, generation int64, creationTimestamp any, deletionTimestamp any, deletionGracePeriodSeconds int64, labels map[string]string, annotations map[string]string, ownerReferences []OwnerReference, finalizers []string, managedFields any, selfLink string
OwnerReference: apiVersion string, kind string, name string, uid string, controller bool, blockOwnerDeletion bool
LabelSelector: matchLabels map[string]string, matchExpressions []LabelSelectorRequirement
LabelSelectorRequirement: key string, operator string, values []string
Namespace: apiVersion string, kind string, metadata ObjectMeta, spec any, status any
Node: apiVersion string, kind string, metadata ObjectMeta, spec NodeSpec, status any
NodeSpec: podCIDR string, podCIDRs []string, providerID string, unschedulable bool, taints []Taint, externalID string
Taint: key string, value string, effect string, timeAdded any
Pod: apiVersion string, kind string, metadata ObjectMeta, spec PodSpec, status any
PodTemplateSpec: metadata ObjectMeta, spec PodSpec
PodSpec: volumes []Volume, initContainers []Container, containers []Container, ephemeralContainers any, restartPolicy string, terminationGracePeriodSeconds int64, activeDeadlineSeconds int64, dnsPolicy string, nodeSelector map[string]string, serviceAccountName string, serviceAccount string, automountServiceAccountToken bool, nodeName string, hostNetwork bool, hostPID bool, hostIPC bool, shareProcessNamespace bool, securityContext PodSecurityContext, imagePullSecrets []LocalObjectReference, hostname string, subdomain string, affinity Affinity, schedulerName string, tolerations []Toleration, hostAliases any, priorityClassName string, priority int32, dnsConfig any, readinessGates any, runtimeClassName string, enableServiceLinks bool, preemptionPolicy string, overhead map[string]Quantity, topologySpreadConstraints []TopologySpreadConstraint, setHostnameAsFQDN bool, os any, hostUsers bool, schedulingGates any, resourceClaims any, resources ResourceRequirements
Container: name string, image string, command []string, args []string, workingDir string, ports []ContainerPort, envFrom []EnvFromSource, env []EnvVar, resources ResourceRequirements, resizePolicy any, restartPolicy string, volumeMounts []VolumeMount, volumeDevices any, livenessProbe Probe, readinessProbe Probe, startupProbe Probe, lifecycle Lifecycle, terminationMessagePath string, terminationMessagePolicy string, imagePullPolicy string, securityContext SecurityContext, stdin bool, stdinOnce bool, tty bool
ContainerPort: name string, hostPort int32, containerPort int32, protocol string, hostIP string
EnvVar: name string, value string, valueFrom EnvVarSource
EnvVarSource: fieldRef ObjectFieldSelector, resourceFieldRef ResourceFieldSelector, configMapKeyRef ConfigMapKeySelector, secretKeyRef SecretKeySelector
ObjectFieldSelector: apiVersion string, fieldPath string
ResourceFieldSelector: containerName string, resource string, divisor Quantity
ConfigMapKeySelector: name string, key string, optional bool
SecretKeySelector: name string, key string, optional bool
EnvFromSource: prefix string, configMapRef ConfigMapEnvSource, secretRef SecretEnvSource
ConfigMapEnvSource: name string, optional bool
SecretEnvSource: name string, optional bool
ResourceRequirements: limits map[string]Quantity, requests map[string]Quantity, claims any
VolumeResourceRequirements: limits map[string]Quantity, requests map[string]Quantity
VolumeMount: name string, readOnly bool, recursiveReadOnly string, mountPath string, subPath string, mountPropagation string, subPathExpr string
Probe: exec ExecAction, httpGet HTTPGetAction, tcpSocket TCPSocketAction, grpc any, initialDelaySeconds int32, timeoutSeconds int32, periodSeconds int32, successThreshold int32, failureThreshold int32, terminationGracePeriodSeconds int64
ExecAction: command []string
HTTPGetAction: path string, port IntOrString, host string, scheme string, httpHeaders any
TCPSocketAction: port IntOrString, host string
Lifecycle: postStart LifecycleHandler, preStop LifecycleHandler, stopSignal string
LifecycleHandler: exec ExecAction, httpGet HTTPGetAction, tcpSocket TCPSocketAction, sleep any
SecurityContext: capabilities Capabilities, privileged bool, seLinuxOptions any, windowsOptions any, runAsUser int64, runAsGroup int64, runAsNonRoot bool, readOnlyRootFilesystem bool, allowPrivilegeEscalation bool, procMount string, seccompProfile any, appArmorProfile any
Capabilities: add []string, drop []string
PodSecurityContext: seLinuxOptions any, windowsOptions any, runAsUser int64, runAsGroup int64, runAsNonRoot bool, supplementalGroups []int64, supplementalGroupsPolicy string, fsGroup int64, sysctls any, fsGroupChangePolicy string, seccompProfile any, appArmorProfile any, seLinuxChangePolicy string
LocalObjectReference: name string
Affinity: nodeAffinity NodeAffinity, podAffinity PodAffinity, podAntiAffinity PodAffinity
NodeAffinity: requiredDuringSchedulingIgnoredDuringExecution NodeSelector, preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm
NodeSelector: nodeSelectorTerms []NodeSelectorTerm
NodeSelectorTerm: matchExpressions []NodeSelectorRequirement, matchFields []NodeSelectorRequirement
NodeSelectorRequirement: key string, operator string, values []string
PreferredSchedulingTerm: weight int32, preference NodeSelectorTerm
PodAffinity: requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm, preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm
PodAffinityTerm: labelSelector LabelSelector, namespaces []string, topologyKey string, namespaceSelector LabelSelector, matchLabelKeys []string, mismatchLabelKeys []string
WeightedPodAffinityTerm: weight int32, podAffinityTerm PodAffinityTerm
Toleration: key string, operator string, value string, effect string, tolerationSeconds int64
TopologySpreadConstraint: maxSkew int32, topologyKey string, whenUnsatisfiable string, labelSelector LabelSelector, minDomains int32, nodeAffinityPolicy string, nodeTaintsPolicy string, matchLabelKeys []string
Volume: name string, hostPath HostPathVolumeSource, emptyDir EmptyDirVolumeSource, persistentVolumeClaim PersistentVolumeClaimVolumeSource, configMap ConfigMapVolumeSource, secret SecretVolumeSource, nfs NFSVolumeSource, flexVolume FlexVolumeSource, downwardAPI any, projected any, gcePersistentDisk any, awsElasticBlockStore any, iscsi any, csi any, ephemeral any, local any, image any
HostPathVolumeSource: path string, type string
EmptyDirVolumeSource: medium string, sizeLimit Quantity
PersistentVolumeClaimVolumeSource: claimName string, readOnly bool
ConfigMapVolumeSource: name string, items []KeyToPath, defaultMode int32, optional bool
SecretVolumeSource: secretName string, items []KeyToPath, defaultMode int32, optional bool
KeyToPath: key string, path string, mode int32
NFSVolumeSource: server string, path string, readOnly bool
FlexVolumeSource: driver string, fsType string, secretRef LocalObjectReference, readOnly bool, options map[string]string
Service: apiVersion string, kind string, metadata ObjectMeta, spec ServiceSpec, status any
ServiceSpec: ports []ServicePort, selector map[string]string, clusterIP string, clusterIPs []string, type string, externalIPs []string, sessionAffinity string, loadBalancerIP string, loadBalancerSourceRanges []string, externalName string, externalTrafficPolicy string, healthCheckNodePort int32, publishNotReadyAddresses bool, sessionAffinityConfig any, ipFamilies []string, ipFamilyPolicy string, allocateLoadBalancerNodePorts bool, loadBalancerClass string, internalTrafficPolicy string, trafficDistribution string
ServicePort: name string, protocol string, appProtocol string, port int32, targetPort IntOrString, nodePort int32
Endpoints: apiVersion string, kind string, metadata ObjectMeta, subsets any
StatefulSet: apiVersion string, kind string, metadata ObjectMeta, spec StatefulSetSpec, status any
StatefulSetSpec: replicas int32, selector LabelSelector, template PodTemplateSpec, volumeClaimTemplates []PersistentVolumeClaim, serviceName string, podManagementPolicy string, updateStrategy StatefulSetUpdateStrategy, revisionHistoryLimit int32, minReadySeconds int32, persistentVolumeClaimRetentionPolicy StatefulSetPersistentVolumeClaimRetentionPolicy, ordinals StatefulSetOrdinals
StatefulSetUpdateStrategy: type string, rollingUpdate RollingUpdateStatefulSetStrategy
RollingUpdateStatefulSetStrategy: partition int32, maxUnavailable IntOrString
StatefulSetPersistentVolumeClaimRetentionPolicy: whenDeleted string, whenScaled string
StatefulSetOrdinals: start int32
ControllerRevision: apiVersion string, kind string, metadata ObjectMeta, data any, revision int64
ReplicationController: apiVersion string, kind string, metadata ObjectMeta, spec ReplicationControllerSpec, status any
ReplicationControllerSpec: replicas int32, minReadySeconds int32, selector map[string]string, template PodTemplateSpec
ReplicaSet: apiVersion string, kind string, metadata ObjectMeta, spec ReplicaSetSpec, status any
ReplicaSetSpec: replicas int32, minReadySeconds int32, selector LabelSelector, template PodTemplateSpec
Deployment: apiVersion string, kind string, metadata ObjectMeta, spec DeploymentSpec, status any
DeploymentSpec: replicas int32, selector LabelSelector, template PodTemplateSpec, strategy DeploymentStrategy, minReadySeconds int32, revisionHistoryLimit int32, paused bool, progressDeadlineSeconds int32, rollbackTo any
DeploymentStrategy: type string, rollingUpdate RollingUpdateDeployment
RollingUpdateDeployment: maxUnavailable IntOrString, maxSurge IntOrString
DaemonSet: apiVersion string, kind string, metadata ObjectMeta, spec DaemonSetSpec, status any
DaemonSetSpec: selector LabelSelector, template PodTemplateSpec, updateStrategy DaemonSetUpdateStrategy, minReadySeconds int32, revisionHistoryLimit int32, templateGeneration int64
DaemonSetUpdateStrategy: type string, rollingUpdate RollingUpdateDaemonSet
RollingUpdateDaemonSet: maxUnavailable IntOrString, maxSurge IntOrString
PersistentVolume: apiVersion string, kind string, metadata ObjectMeta, spec PersistentVolumeSpec, status any
PersistentVolumeSpec: capacity map[string]Quantity, accessModes []string, claimRef ObjectReference, persistentVolumeReclaimPolicy string, storageClassName string, mountOptions []string, volumeMode string, nodeAffinity VolumeNodeAffinity, volumeAttributesClassName string, hostPath HostPathVolumeSource, nfs NFSVolumeSource, flexVolume FlexPersistentVolumeSource, local LocalVolumeSource, gcePersistentDisk any, awsElasticBlockStore any, iscsi any, csi any, cephfs any, rbd any, fc any, azureDisk any, azureFile any, cinder any, glusterfs any, portworxVolume any, vsphereVolume any
FlexPersistentVolumeSource: driver string, fsType string, secretRef any, readOnly bool, options map[string]string
LocalVolumeSource: path string, fsType string
VolumeNodeAffinity: required NodeSelector
ObjectReference: kind string, namespace string, name string, uid string, apiVersion string, resourceVersion string, fieldPath string
PersistentVolumeClaim: apiVersion string, kind string, metadata ObjectMeta, spec PersistentVolumeClaimSpec, status any
PersistentVolumeClaimSpec: accessModes []string, selector LabelSelector, resources VolumeResourceRequirements, volumeName string, storageClassName string, volumeMode string, dataSource any, dataSourceRef any, volumeAttributesClassName string
StorageClass: apiVersion string, kind string, metadata ObjectMeta, provisioner string, parameters map[string]string, reclaimPolicy string, mountOptions []string, allowVolumeExpansion bool, volumeBindingMode string, allowedTopologies any
ConfigMap: apiVersion string, kind string, metadata ObjectMeta, data map[string]string, binaryData map[string]string, immutable bool
Secret: apiVersion string, kind string, metadata ObjectMeta, data map[string]string, stringData map[string]string, type string, immutable bool
PodDisruptionBudget: apiVersion string, kind string, metadata ObjectMeta, spec PodDisruptionBudgetSpec, status any
PodDisruptionBudgetSpec: minAvailable IntOrString, maxUnavailable IntOrString, selector LabelSelector, unhealthyPodEvictionPolicy string
"#;

/// A field's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Int32,
    Int64,
    Bool,
    Quantity,
    IntOrString,
    Any,
    List(Box<Ty>),
    Map(Box<Ty>),
    Struct(&'static str),
}

impl Ty {
    /// Go's name for the type, as `json: cannot unmarshal` prints it.
    pub fn go_name(&self) -> String {
        match self {
            Ty::String => "string".into(),
            Ty::Int32 => "int32".into(),
            Ty::Int64 => "int64".into(),
            Ty::Bool => "bool".into(),
            Ty::Quantity => "resource.Quantity".into(),
            Ty::IntOrString => "intstr.IntOrString".into(),
            Ty::Any => "interface {}".into(),
            Ty::List(t) => format!("[]{}", t.go_name()),
            Ty::Map(t) => format!("map[string]{}", t.go_name()),
            Ty::Struct(s) => format!("v1.{s}"),
        }
    }
}

pub type Fields = Vec<(&'static str, Ty)>;

fn parse_ty(s: &'static str) -> Ty {
    if let Some(t) = s.strip_prefix("[]") {
        return Ty::List(Box::new(parse_ty(t)));
    }
    if let Some(t) = s.strip_prefix("map[string]") {
        return Ty::Map(Box::new(parse_ty(t)));
    }
    match s {
        "string" => Ty::String,
        "int32" => Ty::Int32,
        "int64" => Ty::Int64,
        "bool" => Ty::Bool,
        "Quantity" => Ty::Quantity,
        "IntOrString" => Ty::IntOrString,
        "any" => Ty::Any,
        other => Ty::Struct(other),
    }
}

/// The structs by name, sorted (no name is defined twice).
fn table() -> &'static [(&'static str, Fields)] {
    static T: OnceLock<Vec<(&'static str, Fields)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = Vec::new();
        for line in SCHEMA.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let Some((name, rest)) = line.split_once(": ") else {
                continue;
            };
            let fields = rest
                .split(", ")
                .filter_map(|f| f.split_once(' '))
                .map(|(n, t)| (n, parse_ty(t)))
                .collect();
            m.push((name, fields));
        }
        sort::sort_by(&mut m, |a, b| a.0.cmp(b.0));
        m
    })
}

/// The fields of a struct, `None` for an unknown name.
pub fn fields(name: &str) -> Option<&'static Fields> {
    let t = table();
    let i = t.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
    Some(&t[i].1)
}

/// The type of `field` in `struct_name`.
pub fn field(struct_name: &str, field: &str) -> Option<&'static Ty> {
    fields(struct_name)?
        .iter()
        .find(|(n, _)| *n == field)
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_struct_named_is_defined() {
        fn check(t: &Ty) {
            match t {
                Ty::List(i) | Ty::Map(i) => check(i),
                Ty::Struct(s) => assert!(fields(s).is_some(), "{s} is not defined"),
                _ => {}
            }
        }
        for (i, (name, f)) in table().iter().enumerate() {
            if let Some((next, _)) = table().get(i + 1) {
                assert!(name < next, "{name} is defined twice");
            }
            for (_, t) in f {
                check(t);
            }
        }
        assert_eq!(field("StatefulSetSpec", "replicas"), Some(&Ty::Int32));
        assert_eq!(
            field("PodSpec", "containers").map(Ty::go_name).as_deref(),
            Some("[]v1.Container")
        );
    }
}
