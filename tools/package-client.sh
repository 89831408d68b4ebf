#!/usr/bin/env bash
# Builds the desktop client's installers with jpackage: an app-image (a folder to run from anywhere) and a
# Linux .deb, each with its own Java runtime inside (jlinked: no JDK needed on the user's machine), Parley's
# icon and a desktop entry (menu: Network). Run from anywhere; results in client-fx/target/installer/.
#
#   tools/package-client.sh            both
#   tools/package-client.sh app-image  only the app-image
#
# Needs a JDK 17+ (jpackage, jlink) and, for the .deb, dpkg-deb and fakeroot (Debian: apt-get install -y fakeroot).
set -euo pipefail
cd "$(dirname "$0")/.."
types=${1:-"app-image deb"}
version=$(./mvnw -q -B help:evaluate -Dexpression=project.version -DforceStdout 2>/dev/null | sed 's/-SNAPSHOT//')
version=${version:-1.0.0}
out=client-fx/target/installer
jar=client-fx/target/parley-client.jar

[[ -f "$jar" ]] || ./mvnw -q -B -DskipTests install
rm -rf "$out"
mkdir -p "$out/input"
cp "$jar" "$out/input/"

# What the client uses of the JDK (jdeps), and what it loads only by name: EC keys for TLS, more charsets.
modules=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$jar"),jdk.crypto.ec,jdk.charsets,jdk.localedata

common=(--name Parley --app-version "$version" --vendor "Parley"
        --description "Parley: a desktop chat client (rooms, private conversations, TLS)"
        --input "$out/input" --main-jar parley-client.jar --main-class parley.client.ParleyClient
        --icon client-fx/src/main/resources/parley/client/view/parley.png --add-modules "$modules"
        --jlink-options "--strip-debug --no-man-pages --no-header-files --compress=2"
        --java-options "-Xss512k -XX:+UseSerialGC -Xmx512m" --dest "$out")

for type in $types; do
  case "$type" in
    app-image) jpackage --type app-image "${common[@]}" ;;
    deb) jpackage --type deb "${common[@]}" --linux-package-name parley --linux-shortcut --linux-menu-group Network \
           --linux-app-category net --linux-deb-maintainer "parley@localhost" \
           --linux-package-deps "libgtk-3-0" ;;
    *) echo "unknown type $type (app-image or deb)" >&2; exit 2 ;;
  esac
done
ls -la "$out"
