import { matrixSuite } from './matrix-suite.js';

matrixSuite(1, 3);
