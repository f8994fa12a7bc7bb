import { engineHostContract } from '../../test/contract/engine-host.contract.js';
import { kafkaPartitionHost } from '../../test/contract/kafka-partition-host.js';

// The three hosts (DESIGN §5) run the one shared suite.
engineHostContract('main');
engineHostContract('worker');
engineHostContract(kafkaPartitionHost);
