// Runes only: every component in the console is compiled in runes mode.
export default {
  compilerOptions: { runes: true },
};
