import os
import subprocess
import sys

import pytest

from masklab import quiet_stderr


def test_quiet_stderr_silences_fd2_and_restores_it():
    code = (
        "import os, masklab\n"
        "with masklab.quiet_stderr():\n"
        "    os.write(2, b'hidden\\n')\n"
        "os.write(2, b'shown\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr == "shown\n"


def test_quiet_stderr_lets_exceptions_through():
    before = os.fstat(2).st_ino
    with pytest.raises(ZeroDivisionError):
        with quiet_stderr():
            1 / 0
    assert os.fstat(2).st_ino == before


def test_tensorflow_import_is_silent_inside():
    code = (
        "import os\n"
        "os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\n"
        "os.environ['TF_ENABLE_ONEDNN_OPTS'] = '0'\n"
        "import masklab\n"
        "with masklab.quiet_stderr():\n"
        "    import keras\n"
        "keras.ops.add(1, 2)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stderr == ""
