# Shared by the scripts: build once, then run modules from their runtime classpath.
build() {
  mvn -q -B install -DskipTests
}

# The runtime classpath of a module: its classes and its dependencies.
classpath() {
  local out; out=$(mktemp)
  mvn -q -B -pl "$1" dependency:build-classpath -Dmdep.outputFile="$out" -Dmdep.includeScope=runtime >/dev/null
  echo "$1/target/classes:$(cat "$out")"; rm -f "$out"
}
