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
# PyInstaller checks shared libraries with objdump (binutils); libusb is bundled into the
# build when the build machine has it (python-escpos' USB printers).
BUILD_TOOLS := binutils libusb-1.0-0
DIST_STAMP := $(VENV)/.installed-dist
# The print tests read every barcode back with a second decoder nobody here wrote (zbar's
# zbarimg) and rasterise PDF sheets at printer resolutions (poppler's pdftoppm).
PRINT_TEST_TOOLS := zbar-tools poppler-utils

.PHONY: run test test-pg bench lint dist install-desktop system-libs screen-libs screenshot-tools \
        build-tools print-test-tools clean

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

# Every row runs even when one misses its target; the status says whether any missed.
bench: $(STAMP)
	status=0; $(BIN)/python -m bench || status=$$?; \
	  bash packaging/pg-bench.sh || status=$$?; exit $$status

# The one-folder app in dist/serialpos/ (packaging/serialpos.spec), then two starts that
# prove it works: the version, and the window opened offscreen on a new demo store.
dist: $(DIST_STAMP) screen-libs build-tools
	rm -rf build/pyinstaller dist/serialpos
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/serialpos.spec
	cp packaging/install-desktop.sh packaging/serialpos.desktop packaging/99-serialpos.rules \
		resources/serialpos.svg dist/serialpos/
	dist/serialpos/serialpos --version
	smoke=$$(mktemp -d) && SERIALPOS_CONFIG=$$smoke/settings.toml QT_QPA_PLATFORM=offscreen \
		dist/serialpos/serialpos --db sqlite:///$$smoke/smoke.sqlite3 gui --smoke \
		&& rm -rf $$smoke
	@du -sh dist/serialpos

# The application menu entry and icon for this user (Exec: the built app); as root also
# the udev rule for scanners and printers.
install-desktop:
	bash packaging/install-desktop.sh

$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,dist]'
	touch $@

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

build-tools:
	@bash packaging/ensure-debs.sh $(BUILD_TOOLS)

screenshot-tools: screen-libs
	@bash packaging/ensure-debs.sh $(SHOT_TOOLS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
