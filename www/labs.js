// The registry of labs: one entry per tab. A lab is one ES module exporting `mount(panel, ctx)`, which returns
// an object with optional activate()/deactivate() and the test hooks (playground, stepNow, query).
// Add a lab by adding one line here and one module beside this file.

export const LABS = [
  { id: 'playground', title: 'Playground', module: './playground.js' },
  { id: 'race', title: 'Race', module: './race-lab.js' },
  { id: 'optimizers', title: 'Optimizers', module: './optimizer-lab.js' },
];
