/**
 * Which attributes of a nixpkgs python set may hold a package of a name
 * (src/providers/nixpkgs-attributes.ts), on attribute names of nixpkgs'
 * pkgs/top-level/python-packages.nix and python-aliases.nix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributesOf, namesOfAttribute } from '../../src/providers/nixpkgs-attributes.js';

const attributes = [
  'django', 'django_4', 'django-cors-headers', 'djangorestframework',
  'sqlalchemy', 'sqlalchemy_1_4', 'sqlalchemy-utils',
  'elasticsearch', 'elasticsearch8', 'elasticsearch-dsl',
  'torch', 'torch-bin', 'torchWithCuda', 'torchWithoutCuda', 'torchWithRocm', 'torchWithoutRocm', 'torch-no-triton',
  'torch-geometric', 'torchvision', 'torchvision-bin', 'pytorch', 'pytorchWithCuda',
  'triton', 'triton-bin', 'triton-cuda', 'triton-no-cuda', 'tornado', 'tornado_4', 'tree-sitter', 'tree-sitter_0_21',
  'pytest', 'pytest_7', 'pytest-xdist', 'pytest-cov', 'pytest-asyncio', 'pytestcheckhook',
  'Babel', 'babel', 'zope_interface', 'zope-interface', 'PyStemmer', 'py',
  'ruamel-yaml', 'ruamel.yaml', 'setuptools', 'setuptools-scm', 'setuptools_legacy',
  'naïve',
];

describe('the attributes that may hold a package of a name', () => {
  it('are the name, versioned attributes and variants of it', () => {
    assert.deepEqual(attributesOf(attributes, ['django']), ['django', 'django_4']);
    assert.deepEqual(attributesOf(attributes, ['sqlalchemy']), ['sqlalchemy', 'sqlalchemy_1_4']);
    assert.deepEqual(attributesOf(attributes, ['elasticsearch']), ['elasticsearch', 'elasticsearch8']);
    assert.deepEqual(attributesOf(attributes, ['tornado', 'tree-sitter']), ['tornado', 'tornado_4', 'tree-sitter', 'tree-sitter_0_21']);
    assert.deepEqual(attributesOf(attributes, ['triton']), ['triton', 'triton-bin', 'triton-cuda', 'triton-no-cuda']);
  });

  it('include the legacy names of a package (pytorch for torch) and their variants', () => {
    assert.deepEqual(attributesOf(attributes, ['torch']), [
      'torch', 'torch-bin', 'torchWithCuda', 'torchWithoutCuda', 'torchWithRocm', 'torchWithoutRocm', 'torch-no-triton', 'pytorch', 'pytorchWithCuda',
    ]);
  });

  it('include legacy spellings: upper case, `_` or `.` for `-`', () => {
    assert.deepEqual(attributesOf(attributes, ['babel']), ['Babel', 'babel']);
    assert.deepEqual(attributesOf(attributes, ['zope-interface']), ['zope_interface', 'zope-interface']);
    assert.deepEqual(attributesOf(attributes, ['pystemmer']), ['PyStemmer']);
    assert.deepEqual(attributesOf(attributes, ['ruamel-yaml']), ['ruamel-yaml', 'ruamel.yaml']);
  });

  it('are not every attribute the name is a prefix of', () => {
    assert.deepEqual(attributesOf(attributes, ['pytest']), ['pytest', 'pytest_7']);
    assert.deepEqual(attributesOf(attributes, ['py']), ['py'], 'PyStemmer is no variant of py');
    assert.deepEqual(attributesOf(attributes, ['setuptools']), ['setuptools']);
    assert.deepEqual(attributesOf(attributes, ['torchvision']), ['torchvision', 'torchvision-bin']);
    assert.deepEqual(attributesOf(attributes, ['nothing']), []);
  });

  it('are never attributes outside ASCII, which no requirement can name', () => {
    assert.deepEqual(namesOfAttribute('naïve'), []);
    assert.deepEqual(attributesOf(attributes, ['naïve', 'naive']), []);
  });

  it('come in the order given', () => {
    assert.deepEqual(attributesOf(['torch-bin', 'django_4', 'torch', 'django'], ['django', 'torch']), ['torch-bin', 'django_4', 'torch', 'django']);
  });
});
