"""The one thing pyproject.toml cannot declare: dgplan's optional compiled core.

dgplan._fastdate reads the common era-date forms of a pandas column in C. It is optional: where
no C compiler is at hand the build goes on without it and dgplan.pandas uses its pure-Python path,
which gives the same answers (the tests compare the two).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "dgplan._fastdate",
            sources=["src/dgplan/_fastdate.c"],
            optional=True,
        )
    ]
)
