# escape=`
FROM a:1 AS b
RUN <<EOF bash
curl x | sh
EOF
RUN apt-get update `
 && apt-get install -y sudo
FROM b
USER 0
