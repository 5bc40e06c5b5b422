// Required into the jsii kernel (`node --require`) by modules/runtime/kernel_channel.py.
//
// cdktf records a full JavaScript stack trace, its "creation stack", for every token and every
// nested attribute object it creates (an ECS service builds about fifteen), only to print it
// in the message of a later resolution error. In a Python app those frames are the jsii
// kernel's own, never a line of the app; capturing and formatting them was most of the
// kernel's time creating a resource. Like AWS CDK's CDK_DISABLE_STACK_TRACE, this makes
// cdktf's captureStackTrace return a one-line note instead. Nothing synthesized changes.
//
// tests/test_kernel_channel.py fails if cdktf records creation stacks again (its module moved);
// a module that is still there but no longer exports the function stops the kernel here.
"use strict";

const Module = require("module");
const path = require("path");

const STACK_TRACE_MODULE = path.join("cdktf", "lib", "tokens", "private", "stack-trace.js");
const NOTE = "creation stacks are not recorded (modules/runtime/kernel_preload.js)";

const compileJavaScript = Module._extensions[".js"];

Module._extensions[".js"] = function (module, filename) {
  compileJavaScript.call(this, module, filename);
  if (!filename.endsWith(path.sep + STACK_TRACE_MODULE)) {
    return;
  }
  if (typeof module.exports.captureStackTrace !== "function") {
    throw new Error(
      `${filename} no longer exports captureStackTrace: cdktf changed, update modules/runtime/kernel_preload.js`,
    );
  }
  module.exports.captureStackTrace = () => [NOTE];
};
