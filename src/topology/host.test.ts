import { engineHostContract } from '../../test/contract/engine-host.contract.js';

// Both hosts run the one shared suite; the Kafka partition host (DESIGN §5) will be a third line.
engineHostContract('main');
engineHostContract('worker');
