import {
  createWorker
} from "./chunk-U223OE57.js";
import "./chunk-7KDAAZ7A.js";
import "./chunk-66ZMYZSS.js";
import "./chunk-J5WQM2WA.js";
import "./chunk-5KTGPJIW.js";
import "./chunk-JRFZ7SVI.js";
import "./chunk-K4TIHVBY.js";
import "./chunk-CF3ROOVL.js";
export {
  createWorker
};
//# sourceMappingURL=worker-Q4YPVRJ3.js.map