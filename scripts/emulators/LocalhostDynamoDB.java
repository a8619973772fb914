// Runs AWS's DynamoDB Local bound to 127.0.0.1 on a free port (the stock CLI binds every interface and
// rejects port 0). Prints "LISTENING <port>" once serving and exits when its parent's stdin closes.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LocalhostDynamoDB {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Integer port = Integer.getInteger("ddb.port");
    for (Connector c : server.getConnectors()) {
      if (c instanceof ServerConnector sc) {
        sc.setHost(System.getProperty("ddb.host", "127.0.0.1"));
        if (port != null) sc.setPort(port);
      }
    }
    proxy.start();
    for (Connector c : server.getConnectors()) {
      if (c instanceof ServerConnector sc) System.out.println("LISTENING " + sc.getLocalPort());
    }
    System.out.flush();
    if (Boolean.getBoolean("ddb.exitOnStdinEof")) {
      Thread watchdog = new Thread(() -> {
        try {
          while (System.in.read() != -1) {}
        } catch (Exception ignored) {
        }
        System.exit(0);
      });
      watchdog.setDaemon(true);
      watchdog.start();
    }
    proxy.join();
  }
}
