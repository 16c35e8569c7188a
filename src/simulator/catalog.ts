// Fixed reference data the generator draws from: connector types, tariffs and fictitious
// names/addresses. Nothing here is real personal data (emails use example.* domains).

export type CurrentType = 'AC' | 'DC';

export interface ConnectorTypeSpec {
  readonly currentType: CurrentType;
  readonly name: string;
  readonly description: string;
  /** Maximum power in kW. */
  readonly maxPower: number;
}

const TYPES: ConnectorTypeSpec[] = [
  { currentType: 'AC', name: 'Type 2', description: 'IEC 62196 Type 2 socket, 11 kW', maxPower: 11 },
  { currentType: 'AC', name: 'Type 2', description: 'IEC 62196 Type 2 socket, 22 kW', maxPower: 22 },
  { currentType: 'DC', name: 'CCS', description: 'Combined Charging System (CCS2), 50 kW', maxPower: 50 },
  { currentType: 'DC', name: 'CCS', description: 'Combined Charging System (CCS2), 150 kW', maxPower: 150 },
  { currentType: 'DC', name: 'CCS', description: 'Combined Charging System (CCS2), 300 kW', maxPower: 300 },
  { currentType: 'DC', name: 'CHAdeMO', description: 'CHAdeMO, 50 kW', maxPower: 50 },
];

// Frozen: responses share these objects.
export const CONNECTOR_TYPES: readonly ConnectorTypeSpec[] = Object.freeze(TYPES.map((t) => Object.freeze(t)));

/** Indexes into CONNECTOR_TYPES. */
export const AC_TYPES = [0, 1] as const;
export const DC_TYPES = [2, 3, 4] as const;
export const CHADEMO_TYPE = 5;

/** Card rates (Card.rate) and their price per kWh in EUR, gross. */
export const RATES: Readonly<Record<string, { AC: number; DC: number }>> = {
  Standard: { AC: 0.49, DC: 0.69 },
  Business: { AC: 0.45, DC: 0.62 },
  Flex: { AC: 0.55, DC: 0.79 },
};
export const RATE_NAMES = Object.keys(RATES);
/** Price for a charge without a known card. */
export const AD_HOC_RATE = { AC: 0.59, DC: 0.89 };
export const VAT = 0.19;
export const CURRENCY = 'EUR';

/** Card.cardType codes: the reference only says "Int"; the simulator documents its own. */
export const CARD_TYPES = [1, 1, 1, 2, 3] as const; // 1 = RFID card, 2 = key fob, 3 = app token

export const CITIES: readonly { name: string; code: string; zip: string; lat: number; lon: number }[] = [
  { name: 'Berlin', code: 'BER', zip: '10', lat: 52.52, lon: 13.405 },
  { name: 'Hamburg', code: 'HAM', zip: '20', lat: 53.551, lon: 9.994 },
  { name: 'München', code: 'MUC', zip: '80', lat: 48.137, lon: 11.575 },
  { name: 'Köln', code: 'CGN', zip: '50', lat: 50.938, lon: 6.96 },
  { name: 'Frankfurt am Main', code: 'FRA', zip: '60', lat: 50.11, lon: 8.682 },
  { name: 'Stuttgart', code: 'STR', zip: '70', lat: 48.776, lon: 9.183 },
  { name: 'Leipzig', code: 'LEJ', zip: '04', lat: 51.34, lon: 12.375 },
  { name: 'Nürnberg', code: 'NUE', zip: '90', lat: 49.452, lon: 11.077 },
  { name: 'Bremen', code: 'BRE', zip: '28', lat: 53.079, lon: 8.802 },
  { name: 'Hannover', code: 'HAJ', zip: '30', lat: 52.375, lon: 9.732 },
  { name: 'Kassel', code: 'KSF', zip: '34', lat: 51.312, lon: 9.48 },
  { name: 'Pfaffenhofen a. d. Ilm', code: 'PAF', zip: '85', lat: 48.53, lon: 11.51 },
];

export const STREETS: readonly string[] = [
  'Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Schillerstraße', 'Goethestraße', 'Lindenallee',
  'Industriestraße', 'Am Marktplatz', 'Kirchgasse', 'Ringstraße', 'Mühlenweg', 'Parkstraße',
  'Friedhofstraße', 'Rathausplatz', 'Sonnenweg', 'Am Sportplatz', 'Gewerbepark', 'Uferstraße',
];

export const SITE_KINDS: readonly string[] = [
  'Parkhaus', 'Supermarkt', 'Rathaus', 'Autohof', 'Hotel', 'Bahnhof', 'Einkaufszentrum', 'Firmenparkplatz',
];

export const GIVEN_NAMES: readonly { name: string; gender: string }[] = [
  { name: 'Anna', gender: 'female' }, { name: 'Lukas', gender: 'male' }, { name: 'Mia', gender: 'female' },
  { name: 'Finn', gender: 'male' }, { name: 'Lea', gender: 'female' }, { name: 'Jonas', gender: 'male' },
  { name: 'Sophie', gender: 'female' }, { name: 'Paul', gender: 'male' }, { name: 'Emma', gender: 'female' },
  { name: 'Elias', gender: 'male' }, { name: 'Kim', gender: 'diverse' }, { name: 'Noah', gender: 'male' },
  { name: 'Hannah', gender: 'female' }, { name: 'Ben', gender: 'male' }, { name: 'Alex', gender: 'diverse' },
];

export const SURNAMES: readonly string[] = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz',
  'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Schwarz', 'Zimmermann', 'Krüger',
];

export const COMPANY_NAMES: readonly string[] = [
  'Nordlicht Logistik GmbH', 'Sonnenfeld Energie AG', 'Alpenblick Pflegedienst GmbH',
  'Rheinufer Handwerk KG', 'Stadtwerke Musterstadt', 'Grünkraft Flotten GmbH', 'Blaue Welle Taxi eG',
];

export const UNKNOWN_STATUSES: readonly string[] = [
  'RESERVED', 'available', 'occupied', 'faulted', 'PLANNED', 'OUT_OF_ORDER', 'PREPARING',
];
