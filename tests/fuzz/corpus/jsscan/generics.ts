const id = <T>(x: T): T => x;
const cast = <any>window;
function after(a: number): Array<Array<number>> { return [[a]]; }
let z = a < b ? 1 : 2;
const g = (a: number, b: string): string => `${a}${b}`;
