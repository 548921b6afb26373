FROM a:1
RUN <<EOF
curl x | sh
