"""Ship the tidy data inside the wheel.

Everything else is configured in pyproject.toml.  The tidy files live in the repository's
top-level data/ (next to the raw extracts and the build script that makes them); a wheel
installed outside a checkout still needs them, so the build copies data/SHA256SUMS and
data/tidy/ into the package as nanbei/_data/ (read with importlib.resources by
nanbei.data.data_dir).  An editable install reads data/ directly and copies nothing.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithData(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "nanbei" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        (target / "tidy").mkdir(parents=True)
        shutil.copy2(ROOT / "data" / "SHA256SUMS", target / "SHA256SUMS")
        for path in sorted((ROOT / "data" / "tidy").iterdir()):
            shutil.copy2(path, target / "tidy" / path.name)


setup(cmdclass={"build_py": BuildWithData})
