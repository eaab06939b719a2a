/** HTML files imported as text: the package build inlines them (tsup `loader: { '.html': 'text' }`). */
declare module '*.html' {
  const text: string;
  export default text;
}
