// faultline as the installed package runs it: the CLI from its build (dist/, made by
// `npm run build`), not from the TypeScript sources through tsx, as bin/faultline.js does in
// a checkout (about 0.4 s more start-up). The bench builds dist/ before it times anything.
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
