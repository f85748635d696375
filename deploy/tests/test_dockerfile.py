"""The Dockerfile's runtime stage provides every shared library the binary needs.

Docker cannot run here, so this checks what can be checked on the same Debian 12: `ldd` of the
built binary; each system library is mapped to its Debian package with `dpkg -S` and must be in the
runtime stage's apt list (or a dependency of a listed package, from dpkg's own records); each Swift
toolchain library must be linked statically by the Dockerfile's `--static-swift-stdlib` build (a
matching `lib*.a` in the toolchain's `swift_static/linux`) or copied into the image.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import DEPLOY, find_binary

DOCKERFILE = DEPLOY / "docker" / "Dockerfile"


@dataclass
class Stage:
    image: str
    name: str
    lines: list[str]


def instructions(text: str) -> list[str]:
    """Dockerfile instructions with line continuations joined and comments dropped."""
    out, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        out.append(current + line)
        current = ""
    return out


def stages(text: str) -> list[Stage]:
    result: list[Stage] = []
    for ins in instructions(text):
        match = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", ins, re.IGNORECASE)
        if match:
            result.append(Stage(match.group(1), match.group(2) or "", []))
        elif result:
            result[-1].lines.append(ins)
    return result


def apt_packages(stage: Stage) -> set[str]:
    packages: set[str] = set()
    for ins in stage.lines:
        for match in re.finditer(r"apt-get install ([^&;|]*)", ins):
            packages |= {w for w in match.group(1).split() if not w.startswith("-")}
    return packages


def ldd(binary: Path) -> dict[str, str | None]:
    """soname -> resolved path (None when not found); the vdso and the loader are skipped."""
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    libs: dict[str, str | None] = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+)\s+=>\s+(not found|\S+)", line)
        if match:
            libs[match.group(1)] = None if match.group(2) == "not found" else match.group(2)
    return libs


def _candidates(path: str) -> list[str]:
    resolved = str(Path(path).resolve())
    candidates = [path, resolved]
    for p in (path, resolved):  # usrmerge: /lib/x86_64-linux-gnu is /usr/lib/x86_64-linux-gnu
        if p.startswith("/usr/lib/"):
            candidates.append(p[4:])
        elif p.startswith("/lib/"):
            candidates.append("/usr" + p)
    return candidates


_OWNERS: dict[str, str] = {}


def prefetch_owners(paths: list[str]) -> None:
    """One `dpkg -S` for every candidate path (one call per library is slow)."""
    wanted = sorted({c for p in paths for c in _candidates(p)} - set(_OWNERS))
    if not wanted:
        return
    out = subprocess.run(["dpkg", "-S", *wanted], capture_output=True, text=True).stdout
    for line in out.splitlines():
        package, _, owned = line.partition(": ")
        _OWNERS[owned.strip()] = package.split(",")[0].strip().split(":")[0]


@lru_cache(maxsize=None)
def owning_package(path: str) -> str | None:
    prefetch_owners([path])
    return next((_OWNERS[c] for c in _candidates(path) if c in _OWNERS), None)


def dependency_closure(packages: frozenset[str]) -> set[str]:
    """Listed packages plus what they depend on, as dpkg records it on this (same) Debian."""
    return set(_closure(packages))


@lru_cache(maxsize=None)
def _closure(packages: frozenset[str]) -> frozenset[str]:
    fmt = "${Package}\\t${Status}\\t${Pre-Depends}\\t${Depends}\\t${Provides}\\n"
    out = subprocess.run(["dpkg-query", "-W", "-f", fmt], capture_output=True, text=True).stdout
    depends: dict[str, list[list[str]]] = {}
    provides: dict[str, str] = {}
    for row in out.splitlines():
        name, status, pre, dep, prov = (row.split("\t") + [""] * 5)[:5]
        if "installed" not in status.split():
            continue
        groups = []
        for group in filter(None, (g.strip() for g in f"{pre},{dep}".split(","))):
            groups.append([re.sub(r"[\s(].*$", "", alt.strip()).split(":")[0] for alt in group.split("|")])
        depends[name] = groups
        for p in filter(None, (re.sub(r"[\s(].*$", "", x.strip()) for x in prov.split(","))):
            provides.setdefault(p, name)
    closure, todo = set(), list(packages)
    while todo:
        pkg = todo.pop()
        pkg = pkg if pkg in depends else provides.get(pkg, pkg)
        if pkg in closure:
            continue
        closure.add(pkg)
        for group in depends.get(pkg, []):
            chosen = next((a for a in group if a in depends), None) or next(
                (provides[a] for a in group if a in provides), None)
            if chosen:
                todo.append(chosen)
    return frozenset(closure)


def missing_libraries(libs: dict[str, str | None], apt: set[str], static_stdlib: bool,
                      copied_dirs: list[str]) -> list[str]:
    """Each library the runtime image would lack, with the reason."""
    problems = []
    closure = dependency_closure(frozenset(apt))
    for soname, path in sorted(libs.items()):
        if path is None:
            problems.append(f"{soname}: not found even on the build machine")
            continue
        package = owning_package(path)
        if package is not None:
            if package not in closure:
                problems.append(f"{soname} ({path}) is in Debian package {package}, not installed by the runtime stage")
            continue
        # Not from Debian: a Swift toolchain library.
        lib_dir = Path(path).resolve().parent
        static = lib_dir.parent.parent / "swift_static" / lib_dir.name / (soname.split(".so")[0] + ".a")
        if static_stdlib and static.exists():
            continue
        if any(str(lib_dir).startswith(d) or d.startswith(str(lib_dir)) for d in copied_dirs):
            continue
        problems.append(f"{soname} ({path}) is a toolchain library neither linked statically ({static}) nor copied")
    return problems


# Linker inputs the swift image may lack; the dev package of each library linked at build time.
DEV_PACKAGES = {"libssl3": "libssl-dev", "libsqlite3-0": "libsqlite3-dev", "zlib1g": "zlib1g-dev",
                "libcurl4": "libcurl4-openssl-dev", "libxml2": "libxml2-dev"}
TOOLCHAIN_PROVIDED = {"libc6", "libgcc-s1", "libstdc++6"}  # the swift image's compiler brings these


def needed(path: str) -> list[str]:
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def build_time_libraries(binary: Path, libs: dict[str, str | None]) -> set[str]:
    """Debian packages the *static* link needs: the binary's direct NEEDED entries plus those of
    every toolchain library (linked statically, their dependencies become the binary's own)."""
    direct = set(needed(str(binary)))
    for soname, path in libs.items():
        if path and owning_package(path) is None:
            direct |= set(needed(path))
    packages = {owning_package(libs[s]) for s in direct if libs.get(s)}
    return {p for p in packages if p} - TOOLCHAIN_PROVIDED


@pytest.fixture(scope="module")
def dockerfile() -> list[Stage]:
    return stages(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def linked():
    if shutil.which("dpkg") is None or shutil.which("ldd") is None:
        pytest.skip("needs dpkg and ldd (Debian)")
    binary = find_binary()
    if binary is None:
        pytest.skip("no built shop-summary binary (set SHOP_SUMMARY_BIN or run `swift build`)")
    print(f"\nchecking ldd of {binary}")
    libs = ldd(binary)
    prefetch_owners([p for p in libs.values() if p])
    return binary, libs


def test_multi_stage_official_swift_then_debian_slim(dockerfile):
    assert len(dockerfile) == 2
    build, runtime = dockerfile
    assert re.fullmatch(r"swift:6\.3(\.\d+)?-bookworm", build.image), build.image
    assert runtime.image == "debian:bookworm-slim" and runtime.name == "runtime"
    build_cmds = " ".join(build.lines)
    assert "swift build -c release --static-swift-stdlib --product shop-summary" in build_cmds
    runtime_lines = runtime.lines
    assert any(re.match(rf"COPY --from={build.name} /staging/bin/ /usr/local/bin/", ln) for ln in runtime_lines)
    assert any(re.match(rf"COPY --from={build.name} /staging/share/ /opt/shop-summary/", ln) for ln in runtime_lines)
    assert "for d in prompts config samples" in build_cmds  # prompts/config ship in the image
    assert 'ENTRYPOINT ["shop-summary"]' in runtime_lines
    users = [ln.split()[1] for ln in runtime_lines if ln.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any("ldd /usr/local/bin/shop-summary | grep 'not found'" in ln for ln in runtime_lines)
    # No compiler or -dev package in the runtime image.
    assert not any(p.endswith("-dev") or p.startswith(("swift", "gcc", "clang")) for p in apt_packages(runtime))
    assert "--no-install-recommends" in " ".join(runtime_lines)


def test_every_linked_library_is_provided_by_the_runtime_stage(dockerfile, linked):
    binary, libs = linked
    runtime = dockerfile[-1]
    apt = apt_packages(runtime)
    static = "--static-swift-stdlib" in " ".join(dockerfile[0].lines)
    copied = [ln.split()[-1] for ln in runtime.lines if ln.startswith("COPY") and "swift" in ln and "lib" in ln]
    assert libs, "ldd reported no libraries"
    problems = missing_libraries(libs, apt, static, copied)
    print("libraries:", {k: owning_package(v) if v else None for k, v in libs.items()})
    assert problems == []


def test_every_runtime_package_is_needed_or_explained(dockerfile):
    """The list stays small: each package is a linked library or one of the named extras."""
    extras = {"ca-certificates", "tzdata", "libcurl4", "libxml2"}  # TLS roots, zones, static Foundation
    linked_kinds = {"libc6", "libgcc-s1", "libstdc++6", "libssl3", "libsqlite3-0", "zlib1g"}
    assert apt_packages(dockerfile[-1]) == extras | linked_kinds


def test_the_check_catches_a_missing_package_and_a_dynamic_stdlib(dockerfile, linked):
    binary, libs = linked
    apt = apt_packages(dockerfile[-1])
    without_sqlite = missing_libraries(libs, apt - {"libsqlite3-0"}, True, [])
    if "libsqlite3.so.0" in libs:
        assert any(p.startswith("libsqlite3.so.0") for p in without_sqlite)
    swift_libs = [s for s, p in libs.items() if p and owning_package(p) is None]
    if swift_libs:  # a debug build links the Swift runtime dynamically
        dynamic = missing_libraries(libs, apt, False, [])
        assert any(p.startswith(swift_libs[0]) for p in dynamic)


def test_build_stage_has_the_dev_package_of_every_library_linked_statically(dockerfile, linked):
    """With --static-swift-stdlib, FoundationNetworking/XML link -lcurl/-lxml2 into the binary,
    so the build stage needs their -dev packages (measured: without libcurl4-openssl-dev the
    static link fails with `cannot find -lcurl`)."""
    if shutil.which("readelf") is None:
        pytest.skip("needs readelf (binutils)")
    binary, libs = linked
    wanted = build_time_libraries(binary, libs)
    assert {"libssl3", "zlib1g", "libsqlite3-0"} <= wanted  # the C shims' libraries, always linked
    unknown = wanted - set(DEV_PACKAGES)
    assert unknown == set(), f"no known -dev package for {unknown}; add it to DEV_PACKAGES and the Dockerfile"
    build_apt = apt_packages(dockerfile[0])
    missing = {DEV_PACKAGES[p] for p in wanted} - build_apt
    print("linked at build time:", sorted(wanted))
    assert missing == set()
    # The check can fail: drop the sqlite headers and it notices.
    assert {DEV_PACKAGES[p] for p in wanted} - (build_apt - {"libsqlite3-dev"}) == {"libsqlite3-dev"}
