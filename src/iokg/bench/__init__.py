"""The benchmarks (`python -m iokg.bench`, ``.build``, ``.load``, ``.archive``) and what they share:
the work folder each runs in (`work_folder`).

>>> import pathlib, tempfile
>>> with work_folder(None, keep=False, prefix="iokg-doc-") as folder:
...     (folder / "f").write_text("x")
1
>>> folder.exists()
False
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def work_folder(given: Path | None, *, keep: bool, prefix: str) -> Iterator[Path]:
    """The folder a benchmark works in: ``given`` (``--workdir``), or a fresh temporary one;
    removed when the benchmark ends, unless ``keep`` (``--keep``: then it says where it is)."""
    folder = given or Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
