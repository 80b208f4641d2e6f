package io.btget.cli;

import io.btget.cli.progress.MetadataLine;
import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import io.btget.client.Client;
import java.io.PrintWriter;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.InvalidTorrentException;
import io.btget.metainfo.MagnetLink;
import io.btget.metainfo.Torrent;
import io.btget.session.Config;
import io.btget.session.MetadataStage;
import io.btget.session.Outcome;
import io.btget.session.SessionListener;
import io.btget.session.Stats;
import io.btget.storage.MetadataStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code btget info MAGNET}: the metadata alone, from the store or from peers, with one-line errors. */
final class MetadataFetcher {
    private static final Logger log = LoggerFactory.getLogger(MetadataFetcher.class);

    private MetadataFetcher() {
    }

    static Torrent fetch(MagnetLink link, Config config) {
        InfoHash infoHash = MagnetInput.v1Hash(link);
        MetadataStore store = MetadataStore.forCurrentUser();
        Optional<Torrent> cached = store.load(infoHash);
        if (cached.isPresent()) {
            return MagnetInput.withMagnetSources(cached.get(), link);
        }
        List<List<String>> tiers = MagnetInput.tiers(link);
        MagnetInput.Peers resolved = MagnetInput.resolvePeers(link);
        List<InetSocketAddress> peers = resolved.usable();
        if (!MetadataStage.hasPeerSources(tiers, peers, config)) {
            throw new UserError(ExitCode.NETWORK, MagnetInput.nowhere(resolved.unusable()));
        }
        MagnetInput.warnUnusable(resolved);
        // stdout is the command's result (text or one JSON object): the stage's progress is a plain line on stderr
        // every 5 s (none with -q), its events log lines (-v)
        ProgressView progress = ProgressViews.choose(false, ProgressViews.Mode.PLAIN, LoggingOptions.quiet(),
                new PrintWriter(System.err, true));
        SessionListener listener = new SessionListener() {
            @Override
            public void stats(Stats stats) {
                progress.update(MetadataLine.of(stats, null, config.dht().enabled() ? SessionRunner.dhtPart(stats)
                        : null), SessionRunner.fields(stats, config.dht().enabled()));
            }

            @Override
            public void event(String type, String message, Map<String, Object> fields) {
                log.info(type.equals("metadata_received") ? SessionRunner.metadataReceivedLine(fields, message)
                        : message);
            }
        };
        MetadataStage.Result r;
        boolean dhtSearched;
        try (Client client = Client.of(config); progress) {
            MetadataStage stage = new MetadataStage(client, infoHash, tiers, link.webSeeds(), peers, config, listener);
            Signals.onStop(code -> stage.requestStop(Outcome.INTERRUPTED));
            r = stage.run();
            dhtSearched = stage.dhtSearched();
        } catch (io.btget.net.Listener.ListenException e) {
            throw new UserError(e.badAddress() ? ExitCode.USAGE : ExitCode.NETWORK, e.getMessage());
        } catch (InvalidTorrentException e) {
            throw new UserError(ExitCode.BAD_TORRENT, "metadata from peers refused: " + Main.oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(ExitCode.INTERRUPTED, "stopped before the metadata arrived");
        }
        if (r.torrent().isEmpty()) {
            if (r.outcome() == Outcome.INTERRUPTED) {
                ExitCode code = Signals.received() != null ? Signals.received() : ExitCode.INTERRUPTED;
                throw new UserError(code, "stopped before the metadata arrived");
            }
            throw new UserError(ExitCode.NETWORK, MagnetInput.metadataNotFetched(r, config, dhtSearched));
        }
        Torrent t = r.torrent().get();
        try {
            store.save(t);
        } catch (IOException | RuntimeException e) {
            log.warn("could not keep the metadata in {}: {}", store.directory(), Main.oneLine(e));
        }
        return t;
    }
}
