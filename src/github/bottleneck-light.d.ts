// bottleneck's light build (no Redis clustering), the one Octokit's plugins load, has no typings of its own.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
