/** The emulator launcher lives in scripts/emulator (the demo starts it too); tests import it from here. */
export * from '../../scripts/emulator/moto.js';
