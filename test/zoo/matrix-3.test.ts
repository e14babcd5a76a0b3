import { matrixSuite } from './matrix-suite.js';

matrixSuite(2, 3);
