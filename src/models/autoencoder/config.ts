/**
 * @module models/autoencoder/config
 * Options of the dense autoencoder (in → hidden → code → hidden → out) trained with Adam.
 */
import { z } from 'zod';

export const autoencoderConfigSchema = z
  .object({
    /** Units of the two hidden layers around the code layer. */
    hidden_units: z.number().int().min(1).max(4096).default(32),
    /** Units of the code (bottleneck) layer; capped at max(1, n_features − 1) at fit time. */
    code_units: z.number().int().min(1).max(4096).default(8),
    /** Activation of the hidden and code layers; the output layer is linear. */
    activation: z.enum(['tanh', 'relu']).default('tanh'),
    learning_rate: z.number().gt(0).max(1).default(0.001),
    batch_size: z.number().int().min(1).default(64),
    max_epochs: z.number().int().min(1).max(100_000).default(100),
    /** Stop after this many epochs without a validation improvement; the best weights are kept. */
    patience: z.number().int().min(1).default(5),
    /** Relative improvement of the validation loss that counts as progress. */
    min_delta: z.number().min(0).default(0.0001),
    /** Share of the fit rows held out (seeded shuffle) for early stopping; 0 trains for max_epochs. */
    validation_share: z.number().min(0).max(0.5).default(0.1),
    seed: z.number().int().default(42),
    /** Threshold = the (1 − contamination) quantile of the reconstruction errors of the fit rows. */
    contamination: z.number().gt(0).max(0.5).default(0.01),
  })
  .strict();

export type AutoencoderConfig = z.infer<typeof autoencoderConfigSchema>;
export type AutoencoderOptions = z.input<typeof autoencoderConfigSchema>;
