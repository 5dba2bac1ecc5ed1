"Packaging for llmft: everything is read from settings.ini (the nbdev 2 layout)."
from configparser import ConfigParser
import os, setuptools, shlex
from setuptools.command.build_py import build_py

config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

expected = 'version description keywords author author_email'.split()
missing = [o for o in expected if o not in cfg]
if missing: raise ValueError(f'settings.ini is missing: {missing}')

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()

requirements = shlex.split(cfg.get('requirements', ''))
dev_requirements = shlex.split(cfg.get('dev_requirements', ''))
min_python = cfg['min_python']
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))

class BuildPy(build_py):
    "Build the package with a copy of constraints.txt inside: the tested versions `llmft doctor` compares against."
    def run(self):
        super().run()
        if self.editable_mode: return  # an editable install reads the checkout's own constraints.txt
        dest = os.path.join(self.build_lib, cfg['lib_path'], 'constraints.txt')
        self.mkpath(os.path.dirname(dest))
        self.copy_file('constraints.txt', dest)

setuptools.setup(
    name=cfg['lib_name'],
    license=lic[0],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()] +
                ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]] +
                (['License :: ' + lic[1]] if lic[1] else []),
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=['llmft', 'llmft.*']),
    include_package_data=True,
    package_data={'llmft': ['assets/**/*', 'assets/*']},
    install_requires=requirements,
    extras_require={'dev': dev_requirements,
                    **{k.replace('_', '-'): shlex.split(cfg.get(f'{k}_requirements', ''))
                       for k in ('unsloth', 'galore', 'badam', 'apollo', 'adam_mini', 'nlg', 'swanlab',
                                 'gguf_quant', 'modelscope')}},
    dependency_links=cfg.get('dep_links', '').split(),
    python_requires='>=' + min_python,
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    cmdclass={'build_py': BuildPy},
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f'{cfg.get("lib_path")}={cfg.get("lib_path")}._modidx:d']},
    **{k: cfg[k] for k in 'version description keywords author author_email'.split()})
