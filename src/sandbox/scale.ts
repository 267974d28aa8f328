// How much data the sandbox generates. Everything is derived lazily from (seed, indices), so a
// large shape costs CPU per request, not memory.
export interface SandboxShape {
  adAccounts: number;
  campaignsPerAccount: number;
  adGroupsPerCampaign: number;
  adsPerAdGroup: number;
  boards: number;
  sectionsPerBoard: number;
  pinsPerBoard: number;
  audiencesPerAccount: number;
  /** Every `receivedAudienceEvery`-th audience is RECEIVED (shared), the rest OWNED. */
  receivedAudienceEvery: number;
  customerListsPerAccount: number;
  conversionTagsPerAccount: number;
  /** Keywords whose parent is the ad account itself (the unfiltered keywords list). */
  accountKeywords: number;
  /** Keywords on every campaign with an even index. */
  campaignKeywords: number;
  /** Keywords on every ad group. */
  adGroupKeywords: number;
  catalogs: number;
  feedsPerCatalog: number;
  productGroupsPerFeed: number;
}

export type ScaleName = 'small' | 'medium' | 'large' | 'bench';

export const SCALES: Record<ScaleName, SandboxShape> = {
  small: {
    adAccounts: 2, campaignsPerAccount: 5, adGroupsPerCampaign: 2, adsPerAdGroup: 2,
    boards: 3, sectionsPerBoard: 2, pinsPerBoard: 12,
    audiencesPerAccount: 4, receivedAudienceEvery: 4, customerListsPerAccount: 2, conversionTagsPerAccount: 2,
    accountKeywords: 2, campaignKeywords: 2, adGroupKeywords: 2,
    catalogs: 1, feedsPerCatalog: 2, productGroupsPerFeed: 2,
  },
  medium: {
    adAccounts: 3, campaignsPerAccount: 20, adGroupsPerCampaign: 5, adsPerAdGroup: 5,
    boards: 30, sectionsPerBoard: 3, pinsPerBoard: 100,
    audiencesPerAccount: 12, receivedAudienceEvery: 4, customerListsPerAccount: 5, conversionTagsPerAccount: 4,
    accountKeywords: 5, campaignKeywords: 3, adGroupKeywords: 4,
    catalogs: 2, feedsPerCatalog: 2, productGroupsPerFeed: 5,
  },
  large: {
    adAccounts: 200, campaignsPerAccount: 10, adGroupsPerCampaign: 5, adsPerAdGroup: 4,
    boards: 500, sectionsPerBoard: 4, pinsPerBoard: 600,
    audiencesPerAccount: 20, receivedAudienceEvery: 5, customerListsPerAccount: 10, conversionTagsPerAccount: 5,
    accountKeywords: 10, campaignKeywords: 5, adGroupKeywords: 5,
    catalogs: 3, feedsPerCatalog: 3, productGroupsPerFeed: 10,
  },
  // The benchmark shape of issue 5: 2 ad accounts × 30 campaigns × 10 ad groups × 10 ads.
  bench: {
    adAccounts: 2, campaignsPerAccount: 30, adGroupsPerCampaign: 10, adsPerAdGroup: 10,
    boards: 30, sectionsPerBoard: 3, pinsPerBoard: 100,
    audiencesPerAccount: 12, receivedAudienceEvery: 4, customerListsPerAccount: 5, conversionTagsPerAccount: 4,
    accountKeywords: 5, campaignKeywords: 3, adGroupKeywords: 4,
    catalogs: 2, feedsPerCatalog: 2, productGroupsPerFeed: 5,
  },
};

export function resolveShape(scale: ScaleName = 'small', overrides: Partial<SandboxShape> = {}): SandboxShape {
  const base = SCALES[scale];
  if (!base) throw new Error(`unknown sandbox scale '${scale}' (small, medium, large, bench)`);
  const shape = { ...base, ...overrides };
  if (shape.adAccounts > 999) throw new Error('sandbox supports at most 999 ad accounts');
  if (shape.pinsPerBoard > 999_999 || shape.boards > 999_999) throw new Error('sandbox supports at most 999999 boards and pins per board');
  return shape;
}
