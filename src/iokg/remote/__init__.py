"""A remote SPARQL 1.1 store as iokg's backend: `iokg build --remote` pushes a build into it,
`iokg serve --remote` answers from it (several replicas may share one store).

- `iokg.remote.client`: HTTP to the store (Protocol, Update, Graph Store Protocol), time limit,
  bounded retries, `StoreUnavailable`;
- `iokg.remote.rewrite`: graph names tagged with the build, prologue, parameters as ``VALUES``;
- `iokg.remote.store`: `RemoteStore` (``select``), the control graph, the build pinned per request;
- `iokg.remote.results`: streamed results cut at the row cap, written by pyoxigraph;
- `iokg.remote.executor`: `RemoteExecutor`, the `/sparql` side (``evaluate``);
- `iokg.remote.service`: `RemoteQueryService`, the query service's interface over the store;
- `iokg.remote.push`: `push`, a build's dump loaded aside and published by one pointer switch;
- `iokg.remote.materialized`: the build's materialized rows pushed as one more graph of the
  build, and `RemoteMaterializedRows`, one point query per lookup;
- `iokg.remote.backend`: `open_backend`, the embedded or the remote store by the settings.

See docs/operations.md.
"""
