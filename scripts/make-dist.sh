#!/usr/bin/env bash
# Builds the self-contained distribution target/dist/infinitewidth/ (README.md, "Running on GPUs";
# docs/design-notes.md, "CUDA backend"):
# a jlink'd Java runtime with only the modules the jar needs, the jar with its dependencies,
# the JCuda natives for linux-x86_64, bin/infinitewidth and the examples. It runs on a Linux
# x86-64 machine with no JDK and no network, such as a GPU node; copy the folder (or the
# .tar.gz made beside it) there and run infinitewidth/bin/infinitewidth.
#
#   scripts/make-dist.sh                 the distribution
#   scripts/make-dist.sh --with-tests    also tests/: the test classes and the JUnit console
#                                        launcher, for scripts/gpu-check.sh on a GPU machine
#
# Needs a JDK 17 (jlink, jdeps) and Maven, on the build machine only. MAVEN_ARGS (for example
# "-o") is passed to Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
with_tests=false
[ "${1:-}" = "--with-tests" ] && with_tests=true
build="$root/target"
dist="$build/dist/infinitewidth"
limit_mib=60
# JUnit's console launcher, the version of the platform that goes with junit.version in pom.xml
junit_console="org.junit.platform:junit-platform-console-standalone:1.14.1"

goals=(package)
$with_tests && goals=(test-compile package)
mvn -q -B ${MAVEN_ARGS:-} -DbuildDir="$build" -DskipTests "${goals[@]}"
jar="$build/infinitewidth.jar"

rm -rf "$dist"
mkdir -p "$dist/lib/native" "$dist/bin"

# The modules the jar needs, as jdeps finds them (java.desktop draws the plots), plus
# java.logging, which carries the backend's System.Logger; the tests' launcher needs three more.
modules="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 "$jar"),java.logging"
$with_tests && modules="$modules,java.management,jdk.unsupported,jdk.zipfs"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$dist/runtime"
# Symbol tables are not needed to run (JDK vendors ship them stripped too): 4 MiB off libjvm.so.
if command -v strip >/dev/null; then
  find "$dist/runtime" -name '*.so' -exec strip --strip-unneeded {} +
fi

# The natives go to lib/native, on java.library.path, so JCuda loads them from there instead of
# unpacking them into a temporary folder, which cluster nodes often mount noexec; the jar keeps
# everything else.
unpacked="$(mktemp -d)"
(cd "$unpacked" && jar xf "$jar")
mv "$unpacked"/lib/lib*-linux-x86_64.so "$dist/lib/native/"
rmdir "$unpacked/lib"
mv "$unpacked/META-INF/MANIFEST.MF" "$dist/lib/MANIFEST.MF"
jar --create --file "$dist/lib/infinitewidth.jar" --manifest "$dist/lib/MANIFEST.MF" -C "$unpacked" .
rm -rf "$unpacked" "$dist/lib/MANIFEST.MF"
cp bin/infinitewidth "$dist/bin/"
cp scripts/gpu-check.sh "$dist/bin/"
cp -r examples "$dist/"
cp README.md "$dist/"

if $with_tests; then
  mkdir -p "$dist/tests"
  cp -r "$build/test-classes" "$dist/tests/classes"
  mvn -q -B ${MAVEN_ARGS:-} dependency:copy -Dartifact="$junit_console" -DoutputDirectory="$dist/tests" \
    -Dmdep.stripVersion=true
fi

# The limit is the distribution's; tests/ is an add-on for gpu-check.sh.
size_mib=$(( $(du -sk --exclude=tests "$dist" | cut -f1) / 1024 ))
if [ "$size_mib" -ge "$limit_mib" ]; then
  echo "make-dist: $dist is $size_mib MiB, over the limit of $limit_mib MiB" >&2
  exit 1
fi
tar -C "$build/dist" -czf "$build/dist/infinitewidth-linux-x86_64.tar.gz" infinitewidth
echo "$dist ($size_mib MiB; archive $build/dist/infinitewidth-linux-x86_64.tar.gz)"
