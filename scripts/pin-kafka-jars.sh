#!/usr/bin/env bash
# Rewrites configs/broker/kafka-jars.txt from configs/broker/pom.xml: Maven resolves the runtime
# closure once (here, on a maintainer's machine), and the list it yields, with each jar's SHA-1, is
# what every `stampede broker up` then fetches without Maven. Run it after changing the pom.
set -euo pipefail
cd "$(dirname "$0")/.."
listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
mvn -B -q -f configs/broker/pom.xml dependency:list -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true -DoutputFile="$listing"
{
  sed -n '1,/^# groupId:artifactId:version sha1$/p' configs/broker/kafka-jars.txt
  # Lines look like "   group:artifact:jar:version:scope:/path/to/artifact.jar" (a module name may follow).
  grep -E '^\s+[^ ]+:[^ ]+:jar:' "$listing" | sed -E 's/^\s+//; s/ .*//' | sort | while IFS=: read -r group artifact _type version _scope path; do
    echo "$group:$artifact:$version $(sha1sum "$path" | cut -c1-40)"
  done
} > configs/broker/kafka-jars.txt.new
mv configs/broker/kafka-jars.txt.new configs/broker/kafka-jars.txt
echo "pin-kafka-jars: $(grep -c '^[^#]' configs/broker/kafka-jars.txt) jars in configs/broker/kafka-jars.txt"
