// The test app's own worker: @hearth/worker's server with one SQL function, as an app that needs JS
// functions in SQL would write it.
import { serve } from '@hearth/worker';

serve({ functions: { twice: (x: number) => x * 2 } });
