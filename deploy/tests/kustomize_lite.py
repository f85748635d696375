"""A small kustomize resolver for the features deploy/k8s uses (test harness only).

Supported: `resources` (files and directories with their own kustomization), `patches` (strategic
merge: maps merge recursively, lists of named maps merge by `name`, other lists are replaced; by
`path` or inline `patch`, matched by the patch's kind/name or an explicit `target`), `namespace`
(namespaced kinds only, plus ServiceAccount subjects of RoleBindings that had none), `namePrefix`,
`labels` (metadata only unless includeSelectors), `images` (newName/newTag/digest), and
`configMapGenerator` (files/literals, `behavior: create|merge|replace`, hash suffix disabled).
Anything else raises, so an unsupported field can never be silently ignored.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

CLUSTER_SCOPED = {"Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
                  "CustomResourceDefinition", "PriorityClass", "CSIDriver"}
SUPPORTED = {"apiVersion", "kind", "resources", "patches", "namespace", "namePrefix", "labels", "images",
             "configMapGenerator", "generatorOptions"}


class KustomizeError(Exception):
    pass


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    with path.open() as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def build(directory: Path) -> list[dict[str, Any]]:
    """All objects the kustomization in `directory` produces."""
    directory = Path(directory)
    kfile = directory / "kustomization.yaml"
    if not kfile.exists():
        raise KustomizeError(f"{directory}: no kustomization.yaml")
    spec = yaml.safe_load(kfile.read_text()) or {}
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise KustomizeError(f"{kfile}: unsupported fields {sorted(unknown)}")
    objects: list[dict[str, Any]] = []
    for entry in spec.get("resources", []):
        target = (directory / entry).resolve()
        if target.is_dir():
            objects += build(target)
        elif target.is_file():
            objects += load_yaml_documents(target)
        else:
            raise KustomizeError(f"{kfile}: resource {entry} does not exist")
    options = spec.get("generatorOptions", {})
    for generator in spec.get("configMapGenerator", []):
        objects = apply_config_map_generator(objects, generator, options, directory, kfile)
    for patch in spec.get("patches", []):
        objects = apply_patch(objects, patch, directory, kfile)
    for image in spec.get("images", []):
        set_image(objects, image)
    for label_set in spec.get("labels", []):
        for obj in objects:
            meta = obj.setdefault("metadata", {})
            meta.setdefault("labels", {}).update(label_set["pairs"])
            if label_set.get("includeSelectors"):
                raise KustomizeError(f"{kfile}: includeSelectors: true is not supported here")
    if "namePrefix" in spec:
        for obj in objects:
            obj["metadata"]["name"] = spec["namePrefix"] + obj["metadata"]["name"]
    if "namespace" in spec:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = spec["namespace"]
            for subject in obj.get("subjects", []) if obj["kind"] == "RoleBinding" else []:
                if subject.get("kind") == "ServiceAccount" and "namespace" not in subject:
                    subject["namespace"] = spec["namespace"]
    check_unique(objects, kfile)
    return objects


def check_unique(objects: list[dict[str, Any]], where: Path) -> None:
    seen = set()
    for obj in objects:
        key = (obj.get("kind"), obj.get("metadata", {}).get("namespace"), obj.get("metadata", {}).get("name"))
        if key in seen:
            raise KustomizeError(f"{where}: duplicate object {key}")
        seen.add(key)


def apply_config_map_generator(objects, generator, options, directory: Path, kfile: Path):
    if not options.get("disableNameSuffixHash") and not generator.get("options", {}).get("disableNameSuffixHash"):
        raise KustomizeError(f"{kfile}: generated names with a hash suffix are not supported here")
    data: dict[str, str] = {}
    for item in generator.get("files", []):
        key, _, rel = item.partition("=") if "=" in item else (Path(item).name, "", item)
        source = (directory / rel).resolve()
        if not source.is_relative_to(directory.resolve()):
            raise KustomizeError(f"{kfile}: {rel} is outside the kustomization directory (kustomize refuses it)")
        if not source.is_file():
            raise KustomizeError(f"{kfile}: generator file {rel} does not exist")
        data[key] = source.read_text()
    for literal in generator.get("literals", []):
        key, _, value = literal.partition("=")
        data[key] = value
    behavior = generator.get("behavior", "create")
    name = generator["name"]
    existing = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name]
    if behavior == "create":
        if existing:
            raise KustomizeError(f"{kfile}: ConfigMap {name} already exists (use behavior: merge)")
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
        if generator.get("namespace"):
            cm["metadata"]["namespace"] = generator["namespace"]
        return objects + [cm]
    if not existing:
        raise KustomizeError(f"{kfile}: behavior {behavior} but no ConfigMap {name} to change")
    if behavior == "merge":
        existing[0].setdefault("data", {}).update(data)
    elif behavior == "replace":
        existing[0]["data"] = data
    else:
        raise KustomizeError(f"{kfile}: unknown behavior {behavior}")
    return objects


def apply_patch(objects, patch, directory: Path, kfile: Path):
    if "path" in patch:
        docs = load_yaml_documents(directory / patch["path"])
    elif "patch" in patch:
        docs = [d for d in yaml.safe_load_all(patch["patch"]) if d]
    else:
        raise KustomizeError(f"{kfile}: patch without path or patch")
    if any(isinstance(d, list) for d in docs):
        raise KustomizeError(f"{kfile}: JSON 6902 patches are not supported here")
    for doc in docs:
        target = patch.get("target") or {"kind": doc.get("kind"), "name": doc.get("metadata", {}).get("name")}
        matches = [o for o in objects if all(
            (o["kind"] if k == "kind" else o["metadata"].get(k)) == v
            for k, v in target.items() if k in ("kind", "name", "namespace"))]
        unknown = set(target) - {"kind", "name", "namespace", "group", "version"}
        if unknown:
            raise KustomizeError(f"{kfile}: unsupported target selectors {sorted(unknown)}")
        if not matches:
            raise KustomizeError(f"{kfile}: patch target {target} matches nothing")
        for obj in matches:
            body = copy.deepcopy(doc)
            body.pop("apiVersion", None)
            body.pop("kind", None)
            if "target" in patch:
                body.get("metadata", {}).pop("name", None)
            merged = strategic_merge(obj, body)
            obj.clear()
            obj.update(merged)
    return objects


def strategic_merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = strategic_merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        out = copy.deepcopy(base)
        index = {item["name"]: i for i, item in enumerate(out)}
        for item in patch:
            if item["name"] in index:
                out[index[item["name"]]] = strategic_merge(out[index[item["name"]]], item)
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(patch)


def _named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "name" in i for i in items)


def pod_specs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    kind = obj["kind"]
    if kind == "Pod":
        return [obj["spec"]]
    if kind in ("Deployment", "DaemonSet", "StatefulSet", "Job", "ReplicaSet"):
        return [obj["spec"]["template"]["spec"]]
    if kind == "CronJob":
        return [obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]]
    return []


def set_image(objects, image):
    for obj in objects:
        for spec in pod_specs(obj):
            for container in spec.get("containers", []) + spec.get("initContainers", []):
                name, _, tag = container["image"].partition(":")
                if name != image["name"]:
                    continue
                new = image.get("newName", name)
                if "digest" in image:
                    container["image"] = f"{new}@{image['digest']}"
                else:
                    container["image"] = f"{new}:{image.get('newTag', tag or 'latest')}"
