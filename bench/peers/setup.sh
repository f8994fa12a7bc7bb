#!/usr/bin/env bash
# Creates bench/peers/.venv with the Python peers from PyPI: every bench/peers/requirements*.txt
# (requirements-models.txt: scikit-learn + numpy for `npm run bench:models`;
#  requirements-parse.txt: drain3 for `npm run bench:parse` and bench/drain3-accuracy.ts).
# Idempotent: a stamp holding the hash of the requirement files skips pip when nothing changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
py="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
reqs=("$here"/requirements*.txt)
want="$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1)"
stamp="$venv/.requirements.sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  for r in "${reqs[@]}"; do "$venv/bin/python" -m pip install --quiet -r "$r"; done
  echo "$want" > "$stamp"
fi
"$venv/bin/python" -c 'import sklearn, numpy; print("peers ready: scikit-learn", sklearn.__version__, "numpy", numpy.__version__)'
"$venv/bin/python" -c 'import importlib.metadata as m, drain3; print("peers ready: drain3", m.version("drain3"))'
