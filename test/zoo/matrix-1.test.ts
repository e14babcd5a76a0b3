import { matrixSuite } from './matrix-suite.js';

matrixSuite(0, 3);
