# Every target bootstraps what it needs: system libraries (apt-get, when root and missing)
# and the virtual environment. A fresh Debian machine needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Qt needs these shared libraries even offscreen; a real window also needs the xcb ones.
QT_LIBS := libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 \
           libxkbcommon0
X_LIBS := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
          libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 \
          libxkbcommon-x11-0
# For looking at the screens without a desktop: a virtual screen, keys, screenshots.
SHOT_TOOLS := xvfb xauth xdotool imagemagick
# The print tests read every barcode back with a second decoder nobody here wrote (zbar's
# zbarimg) and rasterise PDF sheets at printer resolutions (poppler's pdftoppm).
PRINT_TEST_TOOLS := zbar-tools poppler-utils

.PHONY: run test test-pg bench lint system-libs screen-libs screenshot-tools print-test-tools clean

run: $(STAMP) screen-libs
	$(BIN)/serialpos gui

test: $(STAMP) print-test-tools
	$(BIN)/lint-imports
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q tests

# The same store tests on a throw-away PostgreSQL server (needs root to install and start it).
test-pg: $(STAMP)
	bash packaging/pg-test.sh

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

$(STAMP): pyproject.toml | system-libs
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# Installs only what is missing, and only when we may (root); otherwise says what to install.
system-libs:
	@bash packaging/ensure-debs.sh $(QT_LIBS)

print-test-tools:
	@bash packaging/ensure-debs.sh $(PRINT_TEST_TOOLS)

screen-libs:
	@bash packaging/ensure-debs.sh $(X_LIBS)

screenshot-tools: screen-libs
	@bash packaging/ensure-debs.sh $(SHOT_TOOLS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
