/**
 * The site's own build config plus one visible change: the "next deployment" that
 * offline.test.ts serves at the same URL to see the update prompt and the reload into it.
 * Used only by that test (`vite build --config app/test/browser/updatedSite.config.ts`).
 */
import { mergeConfig } from 'vite';
import siteConfig from '../../../vite.config.ts';

/** What the first chapter's heading reads in the next deployment. */
export const UPDATED_HEADING = 'Start here, in a newer version';

export default mergeConfig(siteConfig, {
  plugins: [
    {
      name: 'test:next-deployment',
      transform(code: string, id: string) {
        if (!id.includes('/chapters/00-start.md')) return null;
        return code.replace('# Start here', `# ${UPDATED_HEADING}`);
      },
    },
  ],
});
