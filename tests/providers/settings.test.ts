/** Provider settings under a requirements file's format options (pip's FormatControl). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProviderSettings } from '../../src/providers/settings.js';

const settings = () => ProviderSettings.create({ _default: 'wheel,sdist,nixpkgs,conda-forge', gdal: 'nixpkgs' }, {});
const formats = (noBinary: string[], onlyBinary: string[], preferBinary = false) => settings().withFormats({ noBinary, onlyBinary, preferBinary });

describe('ProviderSettings.withFormats', () => {
  it('takes wheels and conda packages away for --no-binary, sdists for --only-binary; nixpkgs stays', () => {
    assert.deepEqual(formats([':all:'], []).toJSON(), { _default: ['sdist', 'nixpkgs'], gdal: ['nixpkgs'] });
    assert.deepEqual(formats([], [':all:']).toJSON(), { _default: ['wheel', 'nixpkgs', 'conda/conda-forge'], gdal: ['nixpkgs'] });
  });

  it('lets a name win over :all:, as pip does', () => {
    const mixed = formats([':all:'], ['numpy']);
    assert.deepEqual(mixed.forPackage('numpy'), ['wheel', 'nixpkgs', 'conda/conda-forge']);
    assert.deepEqual(mixed.forPackage('flask'), ['sdist', 'nixpkgs']);
  });

  it('puts sdist after the binary providers with --prefer-binary', () => {
    const sdistFirst = ProviderSettings.create({ _default: 'sdist,nixpkgs,wheel' }, {}).withFormats({ noBinary: [], onlyBinary: [], preferBinary: true });
    assert.deepEqual(sdistFirst.forPackage('x'), ['nixpkgs', 'wheel', 'sdist']);
  });

  it('says why a package is left without providers', () => {
    const wheelsOnly = ProviderSettings.create({ _default: 'wheel' }, {}).withFormats({ noBinary: ['foo'], onlyBinary: [], preferBinary: false });
    assert.deepEqual(wheelsOnly.forPackage('foo'), []);
    assert.equal(wheelsOnly.emptiedBy('Foo'), '--no-binary/--only-binary of the requirements leave foo none of its providers (wheel)');
    assert.equal(wheelsOnly.emptiedBy('bar'), null);
  });

  it('changes nothing without format options', () => {
    const same = settings();
    assert.equal(same.withFormats({ noBinary: [], onlyBinary: [], preferBinary: false }), same);
  });
});
