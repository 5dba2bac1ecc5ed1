__version__ = "0.1.0"

# `llmft.doctor()` in a notebook cell. nbdev only rewrites the version line above; the checks themselves
# import as `from llmft.doctor import check_gpu` (the name `llmft.doctor` is this function, not the module).
from .doctor import doctor
